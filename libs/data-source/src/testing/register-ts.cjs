// Preloaded (`node -r`) into child processes the specs start, so they can run this lib's TypeScript
// sources directly: ts-node compiles (types are checked by `nx typecheck`), and `@ringcache/*` aliases
// resolve through tsconfig.base.json's paths, as they do under Jest.
const Module = require('node:module');
const { join, resolve } = require('node:path');
const root = resolve(__dirname, '../../../..');
const { paths } = require(join(root, 'tsconfig.base.json')).compilerOptions;

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const target = paths[request];
  return resolveFilename.call(this, target ? join(root, target[0]) : request, ...rest);
};
require('ts-node').register({
  project: join(root, 'libs/data-source/tsconfig.spec.json'),
  transpileOnly: true,
});
