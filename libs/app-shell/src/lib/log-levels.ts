import type { LogLevel as NestLogLevel } from '@nestjs/common';

/** The configured log level (config `log.level`). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Nest logger levels shown at a configured level: that level and everything more severe. */
export function nestLogLevels(level: LogLevel): NestLogLevel[] {
  const order: NestLogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const upTo = { error: 1, warn: 2, info: 3, debug: 5 }[level];
  return order.slice(0, upTo + 1);
}
