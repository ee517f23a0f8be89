const nxPreset = require('@nx/jest/preset').default;

/** Shared Jest settings: TypeScript through ts-jest, transpiled per file (types are checked by `typecheck`). */
module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};
