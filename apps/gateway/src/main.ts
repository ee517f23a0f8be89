import { CONFIG_EXIT_CODE, ConfigError, loadConfigOrExit } from '@ringcache/config';
import { startGateway } from '@ringcache/gateway-runtime';

startGateway(loadConfigOrExit()).catch((error: Error) => {
  // A setting that stops the start (protected mode, say) exits like a bad configuration: 2, no restart loop.
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(CONFIG_EXIT_CODE);
  }
  console.error(`gateway failed to start: ${error.message}`);
  process.exit(1);
});
