import { loadConfigOrExit } from '@ringcache/config';
import { startGateway } from '@ringcache/gateway-runtime';

startGateway(loadConfigOrExit()).catch((error: Error) => {
  console.error(`gateway failed to start: ${error.message}`);
  process.exit(1);
});
