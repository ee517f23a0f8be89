module.exports = {
  displayName: 'ringcache-plugin',
  preset: '../../jest.preset.js',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  coverageDirectory: '../../coverage/tools/ringcache-plugin',
  // The specs compile generated code against the workspace's libraries and run the schematic in a child
  // process: a few seconds each.
  testTimeout: 60_000,
};
