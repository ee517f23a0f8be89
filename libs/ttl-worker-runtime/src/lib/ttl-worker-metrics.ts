import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

import type { TtlWorkerHost } from './ttl-worker-host';

/**
 * The histogram of expiry lateness (DELETE event arrival − the key's expiry, 0 when early). Created before
 * the worker, which observes into it; the buckets span on time (a few ms) to an outage (tens of seconds).
 */
export function createLatenessHistogram(registry: Registry): Histogram {
  return new Histogram({
    name: 'ringcache_ttl_expiry_lateness_seconds',
    help: 'How late each expired key reached the ttl-worker: DELETE arrival minus its expiry (0 when early).',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
}

/** Registers the ttl-worker's metrics, read from the worker's counters at scrape time. */
export function registerTtlWorkerMetrics(registry: Registry, host: TtlWorkerHost): void {
  const registers = [registry];
  const stats = () => host.worker?.stats();
  new Gauge({
    name: 'ringcache_ttl_worker_leader',
    help: '1 while this ttl-worker leads (consumes the delay queue), else 0.',
    registers,
    collect() {
      this.set(stats()?.role === 'leader' ? 1 : 0);
    },
  });
  new Counter({
    name: 'ringcache_ttl_expired_keys_total',
    help: 'Expired keys sent to every known cache node (each counted once, whether or not every node answered).',
    registers,
    collect() {
      this.reset();
      this.inc(stats()?.expiredKeys ?? 0);
    },
  });
  new Counter({
    name: 'ringcache_ttl_batches_total',
    help: 'Expire batches by result: ok (every node answered), partial, failed (none did), no_nodes.',
    labelNames: ['result'],
    registers,
    collect() {
      this.reset();
      for (const [result, n] of Object.entries(stats()?.batches ?? {})) this.inc({ result }, n);
    },
  });
  new Counter({
    name: 'ringcache_ttl_expire_calls_total',
    help: 'Expire calls to single cache nodes, by result (ok, failed).',
    labelNames: ['result'],
    registers,
    collect() {
      this.reset();
      for (const [result, n] of Object.entries(stats()?.expireCalls ?? {})) this.inc({ result }, n);
    },
  });
  new Counter({
    name: 'ringcache_ttl_compactions_total',
    help: 'Times the revision to resume from had been compacted (expiries lost; nodes asked to sweep).',
    registers,
    collect() {
      this.reset();
      this.inc(stats()?.compactions ?? 0);
    },
  });
  new Gauge({
    name: 'ringcache_ttl_queue_lag_seconds',
    help: 'Age of the oldest expired key received from the delay queue and not yet delivered (0 when none).',
    registers,
    collect() {
      this.set((stats()?.lagMs ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'ringcache_ttl_queue_backlog_keys',
    help: 'Expired keys received from the delay queue and not yet delivered.',
    registers,
    collect() {
      this.set(stats()?.backlog ?? 0);
    },
  });
  new Gauge({
    name: 'ringcache_ttl_handled_revision',
    help: 'The last etcd revision whose expiries this leader delivered and stored (0 when not leading).',
    registers,
    collect() {
      this.set(Number(stats()?.handledRevision ?? 0n));
    },
  });
  new Gauge({
    name: 'ringcache_ttl_worker_nodes',
    help: 'Cache nodes this ttl-worker sends expiries to.',
    registers,
    collect() {
      this.set(host.nodes);
    },
  });
}
