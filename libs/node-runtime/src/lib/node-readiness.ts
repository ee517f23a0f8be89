import type { HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';

import { probeIndicator } from '@ringcache/app-shell';
import { etcdReadiness } from '@ringcache/discovery';

import type { NodeRuntime } from './node-runtime';

/**
 * A cache node is ready when its database answers (`SELECT 1`) and it has joined and is on its own ring.
 * etcd (when used) is checked and reported, but while it is unreachable a node on its own ring stays
 * ready: it keeps serving on the last ring (DESIGN §3). The `ring` details are what /readyz answered before terminus: node,
 * ring version, members.
 */
export function nodeReadiness(
  indicators: HealthIndicatorService,
  runtime: NodeRuntime,
): HealthIndicatorFunction[] {
  const etcd = runtime.discovery.etcd;
  return [
    probeIndicator(indicators, 'database', async () => {
      await runtime.database.ping();
      return { up: true, source: runtime.database.label };
    }),
    ...(etcd
      ? [
          probeIndicator(indicators, 'etcd', () =>
            etcdReadiness(
              etcd,
              () => runtime.discovery.watchState(),
              () => runtime.inRing(),
            ),
          ),
        ]
      : []),
    probeIndicator(indicators, 'ring', () => {
      const inRing = runtime.inRing();
      const why = runtime.discovery.registered() ? 'not on its own ring' : 'not joined yet';
      return {
        up: inRing,
        ...(inRing ? {} : { message: why }),
        node: runtime.config.node.name,
        ringVersion: runtime.peers.ringVersion,
        members: runtime.peers.size,
      };
    }),
  ];
}
