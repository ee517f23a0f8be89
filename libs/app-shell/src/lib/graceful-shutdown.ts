import type { Server, ServerResponse } from 'node:http';

import { Logger, type INestApplication } from '@nestjs/common';

/** Options of {@link closeOnSignals}. */
export interface GracefulShutdownOptions {
  /** Name used in logs. */
  name: string;
  /** Longest wait for requests in flight and shutdown hooks before exiting anyway (code 1). Default 10,000. */
  timeoutMs?: number;
}

/**
 * On SIGTERM or SIGINT: stop accepting, let requests in flight finish and shutdown hooks run (Nest's
 * `app.close()`), then exit 0. A second signal, or a drain longer than `timeoutMs`, exits 1 at once.
 * Returns a function that removes the handlers. Used instead of Nest's `enableShutdownHooks`, which re-raises the signal after closing, so the process
 * would end "killed by SIGTERM" rather than with a clean exit code.
 */
export function closeOnSignals(app: INestApplication, options: GracefulShutdownOptions): () => void {
  const logger = new Logger(options.name);
  const timeoutMs = options.timeoutMs ?? 10_000;
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    closing = true;
    logger.log(`${signal}: closing (requests in flight may take up to ${timeoutMs} ms)`);
    drainKeepAlive(app.getHttpServer() as Server);
    const timer = setTimeout(() => {
      logger.error(`shutdown took longer than ${timeoutMs} ms: exiting`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    app.close().then(
      () => {
        logger.log('closed');
        process.exit(0);
      },
      (error: Error) => {
        logger.error(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}

/**
 * Keep-alive connections would hold a closing server open until the clients hang up (Fastify closes only
 * the connections idle at the moment close begins). So from now on every response says
 * `Connection: close`, and connections that fall idle after their last response are closed as they do.
 */
function drainKeepAlive(server: Server): void {
  server.on('request', (_request, response: ServerResponse) => {
    response.shouldKeepAlive = false;
  });
  setInterval(() => server.closeIdleConnections(), 50).unref();
}
