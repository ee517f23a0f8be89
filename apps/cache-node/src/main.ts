import { loadConfigOrExit } from '@ringcache/config';
import { startCacheNode } from '@ringcache/node-runtime';

import { groups } from './app/groups';

startCacheNode(loadConfigOrExit(), groups).catch((error: Error) => {
  console.error(`cache-node failed to start: ${error.message}`);
  process.exit(1);
});
