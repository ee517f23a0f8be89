import type { HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';

import { probeIndicator } from '@ringcache/app-shell';
import type { PeerSet } from '@ringcache/cache-core';
import { etcdReadiness, type Discovery } from '@ringcache/discovery';

/**
 * The gateway is ready when it knows at least one cache node (it can route). etcd (when used) is checked
 * and reported, but an unreachable etcd makes it unready only while it has no ring: with one it keeps
 * routing on it, and every gateway leaving rotation at once would turn an etcd outage into a full one.
 * The `ring` details are ring version and members.
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
          probeIndicator(indicators, 'etcd', () =>
            etcdReadiness(
              etcd,
              () => discovery.watchState(),
              () => peers.size > 0,
            ),
          ),
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
