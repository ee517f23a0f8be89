import { Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Registry } from 'prom-client';

import {
  batchSizeHistogram,
  HealthModule,
  METRICS_REGISTRY,
  MetricsModule,
  registerPeerSkipMetrics,
  RINGCACHE_VERSION,
} from '@ringcache/app-shell';
import { ClusterRouter, ClusterStats, PeerSet, PeerSkips } from '@ringcache/cache-core';
import { RingcacheConfigModule, type RingcacheConfig } from '@ringcache/config';
import {
  discoveryFromConfig,
  nodeStatsSource,
  outlierDetectionFromConfig,
  peerConnector,
  tlsFromConfig,
  type ClosableNodeStatsSource,
  type Discovery,
} from '@ringcache/discovery';
import { InvalidationSubscriptions } from '@ringcache/peer-http';

import { BatchWritesController } from './batch-writes.controller';
import { DashboardModule } from './dashboard/dashboard.module';
import { GatewayExceptionFilter } from './gateway-exception.filter';
import { registerGatewayMetrics } from './gateway-metrics';
import { gatewayReadiness } from './gateway-readiness';
import { GatewayController } from './gateway.controller';
import { GroupsController } from './groups.controller';
import type { GatewayNear } from './near';
import { GATEWAY_DISCOVERY, GATEWAY_LIMITS, GATEWAY_NEAR, GATEWAY_NODE_STATS, GATEWAY_PEERS } from './tokens';

/** Keeps the gateway's ring (and its near cache's subscriptions) in step with membership. */
@Module({})
class GatewayClusterModule implements OnApplicationShutdown {
  constructor(
    @Inject(GATEWAY_DISCOVERY) private readonly discovery: Discovery,
    @Inject(GATEWAY_PEERS) private readonly peers: PeerSet,
    @Inject(GATEWAY_NEAR) private readonly near: GatewayNear,
    @Inject(GATEWAY_NODE_STATS) private readonly nodeStats: ClosableNodeStatsSource,
  ) {}

  static forRoot(config: RingcacheConfig, near: GatewayNear): DynamicModule {
    const logger = new Logger('gateway');
    // Mutual TLS to the nodes, for every kind of call: peer protocol, invalidation streams, stats.
    const tls = tlsFromConfig(config, logger);
    const subscriptions = near.cache ? new InvalidationSubscriptions(near.cache, logger, tls) : undefined;
    const skips = new PeerSkips();
    return {
      module: GatewayClusterModule,
      global: true,
      providers: [
        { provide: GATEWAY_NEAR, useValue: { ...near, subscriptions } },
        {
          provide: GATEWAY_PEERS,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) =>
            new PeerSet({
              connect: peerConnector(config.peers.transport, {
                tls,
                outlierDetection: outlierDetectionFromConfig(config, logger, skips),
                batching: {
                  windowMs: config.peers.batchWindowMs,
                  maxKeys: config.peers.batchMaxKeys,
                  onBatch: batchSizeHistogram(
                    registry,
                    'ringcache_peer_batch_keys',
                    'Keys per batched call to a cache node (a GetMany, or a Get when alone in its turn).',
                  ),
                },
              }),
              ring: { vnodes: config.peers.vnodes, probes: config.peers.probes },
            }),
        },
        {
          provide: GATEWAY_DISCOVERY,
          inject: [GATEWAY_PEERS],
          useFactory: async (peers: PeerSet) => {
            const discovery = discoveryFromConfig(config, 'gateway', logger, RINGCACHE_VERSION);
            const membership = discovery.membership;
            await membership.start();
            const apply = () => {
              const members = membership.members();
              if (peers.update(members)) {
                logger.log(
                  `ring ${peers.ringVersion}: ${members.map((m) => m.name).join(', ') || '(empty)'}`,
                );
              }
              subscriptions?.update(members);
            };
            apply();
            membership.onChange(apply);
            return discovery;
          },
        },
        {
          provide: GATEWAY_LIMITS,
          useValue: { maxKeyBytes: config.gateway.maxKeyBytes, maxValueBytes: config.gateway.maxValueBytes },
        },
        {
          provide: ClusterRouter,
          inject: [GATEWAY_PEERS, GATEWAY_DISCOVERY, METRICS_REGISTRY],
          useFactory: (peers: PeerSet, discovery: Discovery, registry: Registry) => {
            const router = new ClusterRouter({
              peers,
              deadlineMs: config.peers.deadlineMs,
              maxKeyBytes: config.gateway.maxKeyBytes,
              nextGeneration: (group) => discovery.nextGeneration(group),
            });
            registerGatewayMetrics(registry, router, peers, { ...near, subscriptions });
            registerPeerSkipMetrics(registry, skips, () => peers.members().map((m) => m.name));
            // From now on reads and writes of keys are answered in node:http, before Fastify (key-fast-path.ts).
            near.fastPath.router = router;
            return router;
          },
        },
        // Over the peer transport: a cluster on gRPC peers is asked Stats and HotKeys over gRPC.
        { provide: GATEWAY_NODE_STATS, useFactory: () => nodeStatsSource(config.peers.transport, tls) },
        {
          provide: ClusterStats,
          inject: [GATEWAY_PEERS, GATEWAY_NODE_STATS],
          useFactory: (peers: PeerSet, source: ClosableNodeStatsSource) =>
            new ClusterStats({
              members: () => peers.members(),
              source,
              deadlineMs: config.peers.deadlineMs,
              local: near.cache,
            }),
        },
      ],
      exports: [
        GATEWAY_PEERS,
        GATEWAY_DISCOVERY,
        GATEWAY_LIMITS,
        GATEWAY_NEAR,
        ClusterRouter,
        ClusterStats,
        GATEWAY_NODE_STATS,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.near.subscriptions?.stop();
    await this.discovery.close();
    await this.peers.close();
    await this.nodeStats.close();
  }
}

/**
 * The gateway: the public HTTP API over the cluster, plus health, readiness (a node known, etcd: see
 * gatewayReadiness), metrics and the live dashboard.
 */
@Module({})
export class GatewayModule {
  /** `near`: the gateway's near cache and fast-path counters, made before Nest (the HTTP server uses them). */
  static forRoot(config: RingcacheConfig, near: GatewayNear): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        RingcacheConfigModule.forRoot(config),
        MetricsModule,
        GatewayClusterModule.forRoot(config, near),
        HealthModule.forRoot({ inject: [GATEWAY_PEERS, GATEWAY_DISCOVERY], readiness: gatewayReadiness }),
        DashboardModule.forRoot(config),
      ],
      controllers: [GatewayController, BatchWritesController, GroupsController],
      providers: [{ provide: APP_FILTER, useClass: GatewayExceptionFilter }],
    };
  }
}
