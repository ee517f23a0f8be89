import { InvalidationHub, NearCache, type PeerHandler } from '@ringcache/cache-core';
import { eventually, freePort } from '@ringcache/testing';

import { startPeerApp } from '../testing/start-peer-app';
import { InvalidationSubscriptions } from './invalidation-subscriptions';

const quiet = { log: () => undefined, warn: () => undefined };

/** A node's HTTP endpoint with only an invalidation stream, on a real socket. */
async function streamingNode(hub: InvalidationHub, port = 0) {
  const handler = {
    subscribe: (l: Parameters<InvalidationHub['subscribe']>[0]) => hub.subscribe(l),
  } as unknown as PeerHandler;
  return startPeerApp(handler, { port });
}

describe('InvalidationSubscriptions', () => {
  it('serves the near cache only while every node streams, and applies their invalidations', async () => {
    const hubs = [new InvalidationHub(), new InvalidationHub()];
    const nodes = await Promise.all(hubs.map((hub) => streamingNode(hub)));
    const near = new NearCache({ maxBytes: 1 << 20 });
    const subscriptions = new InvalidationSubscriptions(near, quiet);
    try {
      subscriptions.update(
        nodes.map((n, i) => ({ name: `n${i}`, grpcAddress: 'unused:1', httpAddress: n.address })),
      );
      await eventually('both connected', () => near.enabled);
      near.store('g', 'k', { found: true, value: Buffer.from('v'), expireAtMs: 0 }, near.begin('g', 'k'));
      hubs[1].publish({ kind: 'key', group: 'g', key: 'k' });
      await eventually('invalidated', () => near.get('g', 'k') === undefined);

      // One node goes away: the cache pauses; it comes back (same port): the cache resumes, empty.
      near.store('g', 'j', { found: true, value: Buffer.from('w'), expireAtMs: 0 }, near.begin('g', 'j'));
      const port = Number(nodes[0].address.split(':')[1]);
      await nodes[0].app.close();
      await eventually('paused', () => !near.enabled);
      nodes[0] = await streamingNode(hubs[0], port);
      await eventually('resumed', () => near.enabled, 10_000);
      expect(near.get('g', 'j')).toBeUndefined();
      expect(subscriptions.connected()).toEqual({ connected: 2, total: 2 });

      // A node leaving the ring is unsubscribed; an unreachable newcomer pauses the cache.
      subscriptions.update([{ name: 'n1', grpcAddress: 'unused:1', httpAddress: nodes[1].address }]);
      expect(subscriptions.connected()).toEqual({ connected: 1, total: 1 });
      subscriptions.update([
        { name: 'n1', grpcAddress: 'unused:1', httpAddress: nodes[1].address },
        { name: 'ghost', grpcAddress: 'unused:1', httpAddress: `127.0.0.1:${await freePort()}` },
      ]);
      expect(near.enabled).toBe(false);
    } finally {
      subscriptions.stop();
      await Promise.all(nodes.map((n) => n.app.close()));
    }
  }, 30_000);
});
