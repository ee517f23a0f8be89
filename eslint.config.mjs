import nx from '@nx/eslint-plugin';

/**
 * Module boundaries, by tag:
 * - type:app      → feature, util
 * - type:feature  → feature, util
 * - type:util     → util only, and no framework or I/O packages (pure TypeScript)
 * - type:testing  → anything but apps; importable only from spec files and e2e suites
 */
const IO_AND_FRAMEWORKS = [
  '@nestjs/*',
  'typeorm',
  'etcd3',
  '@grpc/*',
  'mysql2',
  'mysql2/*',
  'better-sqlite3',
  'ioredis',
  'fastify',
  'node:fs',
  'node:fs/*',
  'fs',
  'node:net',
  'net',
  'node:http',
  'http',
  'node:child_process',
  'child_process',
];

const constraints = (testing) => [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:util', ...testing] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:util', ...testing] },
  {
    sourceTag: 'type:util',
    onlyDependOnLibsWithTags: ['type:util', ...testing],
    bannedExternalImports: testing.length ? [] : IO_AND_FRAMEWORKS,
  },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:feature', 'type:util', 'type:testing'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:feature', 'type:util', 'type:testing'] },
];

const boundaries = (testing) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
    depConstraints: constraints(testing),
  },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/tmp', '**/*.generated.ts'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs', '**/*.cts'],
    rules: { '@nx/enforce-module-boundaries': boundaries([]) },
  },
  {
    // Specs and end-to-end suites may use the testing helpers (and util specs may start processes).
    files: [
      '**/*.spec.ts',
      '**/*.e2e-spec.ts',
      'apps/e2e/**/*.ts',
      'libs/*/src/test/**/*.ts',
      'libs/*/src/testing/**/*.ts',
      'tools/bench/**',
      'tools/chaos/**',
      'tools/soak/**',
    ],
    rules: { '@nx/enforce-module-boundaries': boundaries(['type:testing']) },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
