/** The configured log level (config `log.level`). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
