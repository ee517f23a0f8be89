module.exports = {
  displayName: 'ringcache-e2e',
  preset: '../../jest.preset.js',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/src/after-each.ts'],
  // Real processes, real databases: generous per-test time, one suite at a time (runInBand).
  testTimeout: 120_000,
};
