export { HealthModule } from './lib/health.module';
export { startHttpApp } from './lib/start-http-app';
export type { StartHttpAppOptions } from './lib/start-http-app';
export { MetricsModule, MetricsController, METRICS_REGISTRY } from './lib/metrics.module';
export { nestLogLevels } from './lib/log-levels';
export type { LogLevel } from './lib/log-levels';
export { createFastifyAdapter, MAX_PARAM_LENGTH } from './lib/fastify-adapter';
export { closeOnSignals } from './lib/graceful-shutdown';
export type { GracefulShutdownOptions } from './lib/graceful-shutdown';
