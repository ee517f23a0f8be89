import {
  Inject,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Registry } from 'prom-client';

import { HealthModule, METRICS_REGISTRY, MetricsModule, registerPeerSkipMetrics } from '@ringcache/app-shell';
import { RingcacheConfigModule, type RingcacheConfig } from '@ringcache/config';

import { TTL_WORKER_HOST } from './tokens';
import { TtlWorkerHost } from './ttl-worker-host';
import { createLatenessHistogram, registerTtlWorkerMetrics } from './ttl-worker-metrics';
import { ttlWorkerReadiness } from './ttl-worker-readiness';

/** Starts the worker once the app is up; on shutdown, resigns before anything else closes. */
@Module({})
class TtlWorkerLifecycleModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(TTL_WORKER_HOST) private readonly host: TtlWorkerHost) {}

  static forRoot(config: RingcacheConfig): DynamicModule {
    const logger = new Logger('ttl-worker');
    return {
      module: TtlWorkerLifecycleModule,
      global: true,
      providers: [
        {
          provide: TTL_WORKER_HOST,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) => {
            const lateness = createLatenessHistogram(registry);
            const host = new TtlWorkerHost({
              config,
              logger,
              onLateness: (ms) => lateness.observe(ms / 1000),
            });
            registerTtlWorkerMetrics(registry, host);
            registerPeerSkipMetrics(registry, host.skips, () => host.nodeNames());
            return host;
          },
        },
      ],
      exports: [TTL_WORKER_HOST],
    };
  }

  onApplicationBootstrap(): void {
    this.host.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.host.stop();
  }
}

/** The ttl-worker app: the delay-queue consumer, plus /healthz, /readyz and /metrics. */
@Module({})
export class TtlWorkerModule {
  static forRoot(config: RingcacheConfig): DynamicModule {
    return {
      module: TtlWorkerModule,
      imports: [
        RingcacheConfigModule.forRoot(config),
        MetricsModule,
        TtlWorkerLifecycleModule.forRoot(config),
        HealthModule.forRoot({ inject: [TTL_WORKER_HOST], readiness: ttlWorkerReadiness }),
      ],
    };
  }
}
