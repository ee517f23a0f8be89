import { Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Registry } from 'prom-client';

import { HealthModule, METRICS_REGISTRY, MetricsModule, RINGCACHE_VERSION } from '@ringcache/app-shell';
import { ClusterRouter, PeerSet } from '@ringcache/cache-core';
import { RingcacheConfigModule, type RingcacheConfig } from '@ringcache/config';
import { discoveryFromConfig, peerConnector, type Discovery } from '@ringcache/discovery';

import { GatewayExceptionFilter } from './gateway-exception.filter';
import { registerGatewayMetrics } from './gateway-metrics';

import { GatewayStatusController } from './gateway-status.controller';
import { GatewayController } from './gateway.controller';
import { GATEWAY_DISCOVERY, GATEWAY_LIMITS, GATEWAY_PEERS } from './tokens';

/** Keeps the gateway's ring in step with membership, and releases it on shutdown. */
@Module({})
class GatewayClusterModule implements OnApplicationShutdown {
  constructor(
    @Inject(GATEWAY_DISCOVERY) private readonly discovery: Discovery,
    @Inject(GATEWAY_PEERS) private readonly peers: PeerSet,
  ) {}

  static forRoot(config: RingcacheConfig): DynamicModule {
    const logger = new Logger('gateway');
    return {
      module: GatewayClusterModule,
      global: true,
      providers: [
        {
          provide: GATEWAY_PEERS,
          useFactory: () =>
            new PeerSet({
              connect: peerConnector(config.peers.transport),
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
              if (peers.update(membership.members())) {
                logger.log(
                  `ring ${peers.ringVersion}: ${
                    peers
                      .members()
                      .map((m) => m.name)
                      .join(', ') || '(empty)'
                  }`,
                );
              }
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
            registerGatewayMetrics(registry, router, peers);
            return router;
          },
        },
      ],
      exports: [GATEWAY_PEERS, GATEWAY_DISCOVERY, GATEWAY_LIMITS, ClusterRouter],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.discovery.close();
    await this.peers.close();
  }
}

/** The gateway: the public HTTP API over the cluster, plus health, readiness and metrics. */
@Module({})
export class GatewayModule {
  static forRoot(config: RingcacheConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        RingcacheConfigModule.forRoot(config),
        MetricsModule,
        HealthModule,
        GatewayClusterModule.forRoot(config),
      ],
      controllers: [GatewayController, GatewayStatusController],
      providers: [{ provide: APP_FILTER, useClass: GatewayExceptionFilter }],
    };
  }
}
