'use strict';
// A CommonJS script using the installed package by its `require` entry; the main entry must load no Nest
// (nor its rxjs and reflect-metadata), even where they are installed.
const { RingcacheClient, UnknownGroupError } = require('@ringcache/client');
const { runOnTargets } = require('./scenario.cjs');

const framework = Object.keys(require.cache).filter((path) =>
  /[\\/]node_modules[\\/](@nestjs|rxjs|reflect-metadata)[\\/]/.test(path),
);
if (framework.length) throw new Error(`the main entry loaded ${framework.join(', ')}`);

runOnTargets(
  'cjs',
  (options) => {
    const client = new RingcacheClient(options);
    return { client, close: () => client.close() };
  },
  UnknownGroupError,
).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
