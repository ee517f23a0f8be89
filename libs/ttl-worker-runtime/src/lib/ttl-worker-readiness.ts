import type { HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';

import { probeIndicator } from '@ringcache/app-shell';

import type { TtlWorkerHost } from './ttl-worker-host';

/**
 * The ttl-worker is ready when etcd answers a read within 1 s and the worker knows where it stands:
 * leading with a live watch of the delay queue, or standing by. Without etcd it is idle, never ready.
 * The `worker` details are what /readyz answered before terminus: role, leader, nodes.
 */
export function ttlWorkerReadiness(
  indicators: HealthIndicatorService,
  host: TtlWorkerHost,
): HealthIndicatorFunction[] {
  return [
    ...(host.kind === 'etcd'
      ? [
          probeIndicator(indicators, 'etcd', async () =>
            (await host.etcdReachable()) ? { up: true } : { up: false, message: 'etcd unreachable' },
          ),
        ]
      : []),
    probeIndicator(indicators, 'worker', () => {
      const { ready, ...details } = host.status();
      return { up: ready, ...details };
    }),
  ];
}
