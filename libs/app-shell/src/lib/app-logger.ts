import { hostname } from 'node:os';

import pino, { type DestinationStream, type Logger } from 'pino';

import type { LogLevel } from './log-levels';
import { prettyLogStream } from './pretty-log-stream';

/** How log lines are written: JSON, one object a line; pretty, for people; auto: pretty on a terminal. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** Options of {@link createAppLogger}. */
export interface AppLoggerOptions {
  /** The app's name, on every line as `app`. Required. */
  app: string;
  /** The node's name, on every line as `node`. Default: none (apps that are not a cache node). */
  node?: string;
  /** Least severe level written. Default `info`. */
  level?: LogLevel;
  /** Default `auto`: pretty when stdout is a terminal, JSON otherwise. */
  format?: LogFormat;
  /** Where lines go. Default stdout (written synchronously, so no line is lost when the process exits). */
  destination?: DestinationStream;
}

/**
 * The app's root pino logger. Every line carries `app` (and `node` on cache nodes), `pid`, `hostname`,
 * an ISO `time` and the level's name; lines about one request carry its `reqId`, set by whoever writes
 * them — no child logger is made per request, which would cost the hot path more than the request itself
 * spends in our code.
 */
export function createAppLogger(options: AppLoggerOptions): Logger {
  const pretty =
    options.format === 'pretty' || ((options.format ?? 'auto') === 'auto' && process.stdout.isTTY === true);
  const destination = options.destination ?? (pretty ? prettyLogStream(process.stdout) : pino.destination(1));
  return pino(
    {
      level: options.level ?? 'info',
      base: {
        app: options.app,
        ...(options.node ? { node: options.node } : {}),
        pid: process.pid,
        hostname: hostname(),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
