import { eventually, startCluster, type TestCluster } from '@ringcache/testing';

import { nodesOf } from '../test/support';
import { RingcacheClient } from './ringcache-client';

/**
 * The SDK's near cache against three real cache nodes: it answers repeated reads itself, hears every
 * node's invalidations, serves nothing while a stream is down, and a write through the client is seen by
 * its next read at once.
 */
describe('RingcacheClient with a near cache, on a real cluster', () => {
  let cluster: TestCluster;
  let near: RingcacheClient;
  let other: RingcacheClient;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, gateway: false });
    near = new RingcacheClient({ nodes: nodesOf(cluster), nearCache: { maxBytes: 1 << 20 } });
    other = new RingcacheClient({ nodes: nodesOf(cluster) });
    await Promise.all([near.ready(), other.ready()]);
    await eventually('every invalidation stream connected', () => near.nearCacheStats()?.enabled === true);
  }, 60_000);

  afterAll(async () => {
    await near?.close();
    await other?.close();
    await cluster?.stop();
  }, 30_000);

  it('answers repeated reads, and not-found answers, from the near cache', async () => {
    expect((await near.get('scores', 'Tom'))?.toString()).toBe('630');
    expect(await near.get('scores', 'Nobody')).toBeUndefined();
    const before = near.nearCacheStats()?.hits ?? 0;
    const loadsBefore = await cluster.sum('ringcache_gets_total', { group: 'scores' });
    for (let i = 0; i < 20; i++) {
      expect((await near.get('scores', 'Tom'))?.toString()).toBe('630');
      expect(await near.get('scores', 'Nobody')).toBeUndefined();
    }
    expect((near.nearCacheStats()?.hits ?? 0) - before).toBe(40);
    // None of those reads reached a node.
    expect(await cluster.sum('ringcache_gets_total', { group: 'scores' })).toBe(loadsBefore);
    const values = await near.getMany('scores', ['Tom', 'Jack', 'Nobody']);
    expect(values.map((v) => v?.toString())).toEqual(['630', '589', undefined]);
  });

  it('answers a hit at once, with no call timer, and still checks what it is asked', async () => {
    await near.get('scores', 'Jack');
    const timers = jest.spyOn(global, 'setTimeout');
    try {
      // 4,321 ms marks the call's own timer apart from any other (a stream's idle timer, say).
      for (let i = 0; i < 10; i++)
        expect((await near.get('scores', 'Jack', { timeoutMs: 4_321 }))?.toString()).toBe('589');
      expect(timers.mock.calls.filter(([, ms]) => ms === 4_321)).toEqual([]);
      // A miss is a call to a node, with its timer, and counts as one miss.
      const missesBefore = near.nearCacheStats()?.misses ?? 0;
      await near.get('scores', 'Lily', { timeoutMs: 4_321 });
      expect(timers.mock.calls.filter(([, ms]) => ms === 4_321)).toHaveLength(1);
      expect((near.nearCacheStats()?.misses ?? 0) - missesBefore).toBe(1);
    } finally {
      timers.mockRestore();
    }
    await expect(near.get('scores', '')).rejects.toThrow(/key/);
    await expect(near.get(42 as unknown as string, 'Jack')).rejects.toThrow(
      'group must be a string, got number',
    );
  });

  it('sees its own write at once, and another client’s write once the owner announces it', async () => {
    await near.get('scores', 'Sam');
    await near.set('scores', 'Sam', 'mine');
    expect((await near.get('scores', 'Sam'))?.toString()).toBe('mine');
    await other.set('scores', 'Sam', 'theirs');
    await eventually(
      'the other write is seen',
      async () => (await near.get('scores', 'Sam'))?.toString() === 'theirs',
    );
    await other.delete('scores', 'Sam');
    await eventually(
      'the delete is seen',
      async () => (await near.get('scores', 'Sam'))?.toString() === '567',
    );
  });

  it('serves nothing while a node’s stream is down, and starts again from empty when it is back', async () => {
    await near.get('scores', 'Jack');
    const victim = cluster.nodes[2];
    await victim.process.stop('SIGKILL');
    await eventually('paused', () => near.nearCacheStats()?.enabled === false);
    const hitsWhilePaused = near.nearCacheStats()?.hits ?? 0;
    // Reads still answer, from the owners (or the next owner), not from the paused cache.
    expect((await near.get('scores', 'Jack'))?.toString()).toBe('589');
    expect(near.nearCacheStats()?.hits).toBe(hitsWhilePaused);
    await cluster.restartNode(victim.name);
    await eventually('resumed', () => near.nearCacheStats()?.enabled === true, 15_000);
    expect(near.nearCacheStats()?.items).toBe(0);
  }, 40_000);
});
