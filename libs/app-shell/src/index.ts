export { HealthModule } from './lib/health.module';
export { startHttpApp } from './lib/start-http-app';
export type { StartHttpAppOptions } from './lib/start-http-app';
