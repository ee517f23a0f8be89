export { HealthModule } from './lib/health.module';
export { startHttpApp } from './lib/start-http-app';
export type { StartHttpAppOptions } from './lib/start-http-app';
export { MetricsModule, MetricsController, METRICS_REGISTRY } from './lib/metrics.module';
