import { loadConfigOrExit } from '@ringcache/config';
import { startTtlWorker } from '@ringcache/ttl-worker-runtime';

startTtlWorker(loadConfigOrExit()).catch((error: Error) => {
  console.error(`ttl-worker failed to start: ${error.message}`);
  process.exit(1);
});
