import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  // Written by `nx run proto:generate` (proto-loader-gen-types); checked by typecheck and by generated.spec.ts.
  { ignores: ['**/src/generated/**'] },
];
