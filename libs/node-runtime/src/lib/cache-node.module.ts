import {
  Inject,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import type { Registry } from 'prom-client';

import {
  APP_LOGGER,
  batchSizeHistogram,
  HealthModule,
  METRICS_REGISTRY,
  MetricsModule,
  registerPeerSkipMetrics,
} from '@ringcache/app-shell';
import { PEER_HANDLER, PeerSkips } from '@ringcache/cache-core';
import { RingcacheConfigModule, type RingcacheConfig } from '@ringcache/config';
import { PeerGrpcHealth, PeerGrpcModule } from '@ringcache/peer-grpc';
import { PeerHttpModule } from '@ringcache/peer-http';

import type { GroupDefinition } from './group-definition';
import { expiryLatenessHistogram, registerNodeMetrics } from './node-metrics';
import { nodeReadiness } from './node-readiness';
import { NodeRuntime } from './node-runtime';
import { NodeStatusController } from './node-status.controller';
import { logPeerRequests } from './peer-request-log';

/** Provides the NodeRuntime and the PeerHandler that the gRPC and HTTP peer servers call. */
@Module({})
class NodeRuntimeModule implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(NodeRuntime) private readonly runtime: NodeRuntime,
    @Inject(PeerGrpcHealth) private readonly health: PeerGrpcHealth,
  ) {}

  static forRoot(config: RingcacheConfig, groups: GroupDefinition[]): DynamicModule {
    return {
      module: NodeRuntimeModule,
      global: true,
      providers: [
        {
          provide: NodeRuntime,
          inject: [METRICS_REGISTRY],
          useFactory: async (registry: Registry) => {
            const lateness = expiryLatenessHistogram(registry);
            const peerSkips = new PeerSkips();
            const runtime = await NodeRuntime.start({
              config,
              groups,
              logger: new Logger('cache-node'),
              onActiveExpiry: (group, lateMs) => lateness.observe({ group }, lateMs / 1000),
              onPeerBatch: batchSizeHistogram(
                registry,
                'ringcache_peer_batch_keys',
                'Keys per batched call to another node (a GetMany, or a Get when alone in its turn).',
              ),
              onLoadBatch: batchSizeHistogram(
                registry,
                'ringcache_load_batch_keys',
                "Keys per call to a group's loader (loadMany for a batch, load for one).",
              ),
              peerSkips,
            });
            registerNodeMetrics(registry, runtime);
            registerPeerSkipMetrics(registry, peerSkips, () => runtime.peers.others().map((p) => p.name));
            return runtime;
          },
        },
        {
          provide: PEER_HANDLER,
          inject: [NodeRuntime, APP_LOGGER],
          // At debug, every peer request gets a line; otherwise the service is used as it is, at no cost.
          useFactory: (runtime: NodeRuntime, logger: PinoLogger) =>
            logger.isLevelEnabled('debug')
              ? logPeerRequests(runtime.peerService, logger)
              : runtime.peerService,
        },
        { provide: PeerGrpcHealth, useFactory: () => new PeerGrpcHealth() },
      ],
      exports: [NodeRuntime, PEER_HANDLER, PeerGrpcHealth],
    };
  }

  /**
   * First leave the cluster (peers drop this node at once) and tell gRPC health checkers; requests in
   * flight still finish while the servers drain.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.health.setServing(false);
    await this.runtime.leave();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
  }
}

/**
 * A cache node: groups, peer protocol over gRPC and HTTP, health, readiness (database, etcd, own ring:
 * see nodeReadiness), metrics, cluster view.
 */
@Module({})
export class CacheNodeModule {
  static forRoot(options: { config: RingcacheConfig; groups: GroupDefinition[] }): DynamicModule {
    return {
      module: CacheNodeModule,
      imports: [
        RingcacheConfigModule.forRoot(options.config),
        MetricsModule,
        NodeRuntimeModule.forRoot(options.config, options.groups),
        HealthModule.forRoot({ inject: [NodeRuntime], readiness: nodeReadiness }),
        PeerGrpcModule,
        PeerHttpModule,
      ],
      controllers: [NodeStatusController],
    };
  }
}
