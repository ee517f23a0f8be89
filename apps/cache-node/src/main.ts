import { CONFIG_EXIT_CODE, ConfigError, loadConfigOrExit } from '@ringcache/config';
import { startCacheNode } from '@ringcache/node-runtime';

import { groups } from './app/groups';

startCacheNode(loadConfigOrExit(), groups).catch((error: Error) => {
  // A configuration the node refuses (protected mode) is a usage error, like an invalid setting: exit 2.
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(CONFIG_EXIT_CODE);
  }
  console.error(`cache-node failed to start: ${error.message}`);
  process.exit(1);
});
