export { startTtlWorker } from './lib/start-ttl-worker';
export { TtlWorkerModule } from './lib/ttl-worker.module';
export { TtlWorkerHost } from './lib/ttl-worker-host';
export type { TtlWorkerHostOptions, TtlWorkerStatus } from './lib/ttl-worker-host';
