import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { startHttpApp } from '@ringcache/app-shell';
import { describeConfig, type RingcacheConfig } from '@ringcache/config';
import { checkEtcdSignInFromConfig } from '@ringcache/discovery';

import { TtlWorkerModule } from './ttl-worker.module';

/**
 * Starts the ttl-worker on ttlWorker.host:ttlWorker.port. SIGTERM/SIGINT close it gracefully: it delivers
 * what it holds, stores its revision and resigns (a standby takes over at once), then exits.
 */
export async function startTtlWorker(config: RingcacheConfig): Promise<NestFastifyApplication> {
  // Refused etcd credentials stop the start here, with the settings named: the worker would otherwise
  // campaign in a retry loop forever.
  await checkEtcdSignInFromConfig(config);
  const app = await startHttpApp(TtlWorkerModule.forRoot(config), {
    name: 'ttl-worker',
    host: config.ttlWorker.host,
    port: config.ttlWorker.port,
    logLevel: config.log.level,
    logFormat: config.log.format,
    slowRequestMs: config.log.slowRequestMs,
  });
  for (const line of describeConfig(config, 'ttl-worker').split('\n')) new Logger('ttl-worker').log(line);
  return app;
}
