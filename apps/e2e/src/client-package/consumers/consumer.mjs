// An ES module using the installed package by its `import` entry.
import { RingcacheClient, UnknownGroupError } from '@ringcache/client';

import { runOnTargets } from './scenario.cjs';

await runOnTargets(
  'esm',
  (options) => {
    const client = new RingcacheClient(options);
    return { client, close: () => client.close() };
  },
  UnknownGroupError,
);
