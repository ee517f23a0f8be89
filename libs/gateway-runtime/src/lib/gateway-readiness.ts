import type { HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';

import { probeIndicator } from '@ringcache/app-shell';
import type { PeerSet } from '@ringcache/cache-core';
import { pingEtcd, type Discovery } from '@ringcache/discovery';

/**
 * The gateway is ready when it knows at least one cache node (it can route) and etcd answers (when it uses
 * etcd). The `ring` details are what /readyz answered before terminus: ring version and members.
 */
export function gatewayReadiness(
  indicators: HealthIndicatorService,
  peers: PeerSet,
  discovery: Discovery,
): HealthIndicatorFunction[] {
  const etcd = discovery.etcd;
  return [
    ...(etcd
      ? [
          probeIndicator(indicators, 'etcd', async () => {
            await pingEtcd(etcd);
            return { up: true, watch: discovery.watchState() };
          }),
        ]
      : []),
    probeIndicator(indicators, 'ring', () => ({
      up: peers.size > 0,
      ...(peers.size > 0 ? {} : { message: 'no cache nodes known' }),
      ringVersion: peers.ringVersion,
      members: peers.size,
    })),
  ];
}
