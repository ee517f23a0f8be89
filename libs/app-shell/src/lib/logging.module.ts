import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';

/** Injection token of the app's root pino logger (see createAppLogger), for lines that name a request. */
export const APP_LOGGER = 'ringcache:AppLogger';

/**
 * nestjs-pino's PinoLogger bound to one app's logger. Its own keeps the first logger made in the process
 * for good (a module-level variable), which would send a second app's lines — in a test hosting several —
 * to the first one's.
 */
class AppPinoLogger extends PinoLogger {
  constructor(private readonly root: Pino) {
    super({ pinoHttp: { logger: root } });
  }

  override get logger(): Pino {
    return this.root;
  }
}

/** Nest's logger (a LoggerService: nestjs-pino's `Logger`) writing to `logger`. */
export function nestLoggerOver(logger: Pino): Logger {
  return new Logger(new AppPinoLogger(logger), {});
}

/**
 * Provides the app's pino logger as APP_LOGGER, and nestjs-pino's `Logger` over it (the one startHttpApp
 * gives Nest, so every `new Logger(context)` writes there). nestjs-pino's LoggerModule is not used, for its
 * per-request middleware: pino-http would make a child logger and an async context for every request, a
 * large share of what a cached read costs. Lines about a request name its `reqId` themselves.
 */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(logger: Pino, nestLogger: Logger = nestLoggerOver(logger)): DynamicModule {
    return {
      module: LoggingModule,
      providers: [
        { provide: APP_LOGGER, useValue: logger },
        { provide: Logger, useValue: nestLogger },
      ],
      exports: [APP_LOGGER, Logger],
    };
  }
}
