import { Counter, Gauge, type Registry } from 'prom-client';

import type { PeerSkips } from '@ringcache/cache-core';

/**
 * Outlier detection on /metrics, per node this process calls: how often it began skipping the node, how
 * often a probe brought it back, and whether it is skipped now (for each node on the ring, `onRing`).
 * Read from `skips` at scrape time.
 */
export function registerPeerSkipMetrics(registry: Registry, skips: PeerSkips, onRing: () => string[]): void {
  const registers = [registry];
  new Counter({
    name: 'ringcache_peer_skips_total',
    help: 'Times outlier detection began skipping a node after consecutive failed calls (peers.outlierFailures).',
    labelNames: ['peer'],
    registers,
    collect() {
      this.reset();
      for (const { peer, skips: n } of skips.stats()) this.inc({ peer }, n);
    },
  });
  new Counter({
    name: 'ringcache_peer_returns_total',
    help: 'Times a probe of a skipped node succeeded, so it was used again.',
    labelNames: ['peer'],
    registers,
    collect() {
      this.reset();
      for (const { peer, returns } of skips.stats()) this.inc({ peer }, returns);
    },
  });
  new Gauge({
    name: 'ringcache_peer_skipped',
    help: 'Per node on the ring: 1 while outlier detection skips it (its reads go to the next owner), else 0.',
    labelNames: ['peer'],
    registers,
    collect() {
      this.reset();
      const skipped = new Set(skips.stats().flatMap((s) => (s.skipped ? [s.peer] : [])));
      for (const peer of onRing()) this.set({ peer }, skipped.has(peer) ? 1 : 0);
    },
  });
}
