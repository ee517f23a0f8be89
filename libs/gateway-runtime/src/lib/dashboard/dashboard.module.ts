import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';

import type { PeerSet } from '@ringcache/cache-core';
import type { RingcacheConfig } from '@ringcache/config';
import type { Discovery } from '@ringcache/discovery';

import { DASHBOARD_ASSETS, GATEWAY_DISCOVERY, GATEWAY_NODE_STATS, GATEWAY_PEERS } from '../tokens';
import { loadDashboardAssets } from './dashboard-assets';
import { DashboardController } from './dashboard.controller';
import { DashboardSampler, type NodeProbe } from './dashboard-sampler';
import { DashboardStream } from './dashboard-stream';
import { SampleHistory } from './sample-history';

/**
 * The live dashboard at /dashboard: samples the nodes from startup, and ends its event streams before the
 * server closes (an open stream would keep the server's close waiting).
 */
@Module({})
export class DashboardModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private unsubscribe?: () => void;

  constructor(
    @Inject(DashboardSampler) private readonly sampler: DashboardSampler,
    @Inject(DashboardStream) private readonly stream: DashboardStream,
    @Inject(GATEWAY_DISCOVERY) private readonly discovery: Discovery,
  ) {}

  static forRoot(config: RingcacheConfig): DynamicModule {
    return {
      module: DashboardModule,
      controllers: [DashboardController],
      providers: [
        { provide: DASHBOARD_ASSETS, useFactory: loadDashboardAssets },
        { provide: SampleHistory, useFactory: () => new SampleHistory() },
        {
          provide: DashboardStream,
          useFactory: () => new DashboardStream({ maxStreams: config.gateway.maxEventStreams }),
        },
        {
          provide: DashboardSampler,
          inject: [GATEWAY_PEERS, GATEWAY_NODE_STATS, SampleHistory, DashboardStream],
          useFactory: (peers: PeerSet, probe: NodeProbe, history: SampleHistory, stream: DashboardStream) =>
            new DashboardSampler({
              members: () => peers.members(),
              shares: () => peers.shares(),
              probe,
              history,
              stream,
              deadlineMs: config.peers.deadlineMs,
            }),
        },
      ],
    };
  }

  onApplicationBootstrap(): void {
    // After the ring's own listener (registered when discovery started), so members() is already new.
    this.unsubscribe = this.discovery.membership.onChange((members) => this.sampler.membersChanged(members));
    this.sampler.start();
  }

  beforeApplicationShutdown(): void {
    this.unsubscribe?.();
    this.sampler.stop();
    this.stream.close();
  }
}
