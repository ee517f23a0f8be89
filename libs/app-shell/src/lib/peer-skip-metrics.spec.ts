import { Registry } from 'prom-client';

import { PeerSkips } from '@ringcache/cache-core';

import { registerPeerSkipMetrics } from './peer-skip-metrics';

describe('registerPeerSkipMetrics', () => {
  it('shows skips and returns per peer, and 1 or 0 for each node on the ring, read at scrape time', async () => {
    const registry = new Registry();
    const skips = new PeerSkips();
    let ring = ['node2', 'node3'];
    registerPeerSkipMetrics(registry, skips, () => ring);
    const lines = async () => (await registry.metrics()).split('\n').filter((l) => !l.startsWith('#') && l);

    expect(await lines()).toEqual([
      'ringcache_peer_skipped{peer="node2"} 0',
      'ringcache_peer_skipped{peer="node3"} 0',
    ]);
    skips.onChange('node3', 'open');
    skips.onChange('node3', 'closed');
    skips.onChange('node3', 'open');
    expect(await lines()).toEqual([
      'ringcache_peer_skips_total{peer="node3"} 2',
      'ringcache_peer_returns_total{peer="node3"} 1',
      'ringcache_peer_skipped{peer="node2"} 0',
      'ringcache_peer_skipped{peer="node3"} 1',
    ]);
    // A node that left the ring is no longer shown as skipped; its counts stay.
    ring = ['node2'];
    expect(await lines()).toEqual([
      'ringcache_peer_skips_total{peer="node3"} 2',
      'ringcache_peer_returns_total{peer="node3"} 1',
      'ringcache_peer_skipped{peer="node2"} 0',
    ]);
  });
});
