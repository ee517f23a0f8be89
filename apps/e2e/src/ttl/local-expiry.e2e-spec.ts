import { eventually, startCluster, type TestCluster } from '@ringcache/testing';

import { request } from '../support';

/**
 * Active expiry without etcd (a static node list): each node sweeps its own caches once a second, so
 * entries with a TTL leave memory on time with no read, and nothing is kept per entry to do it.
 */
describe('TTL on a static cluster (local sweep)', () => {
  let cluster: TestCluster;
  const held = () => cluster.sum('ringcache_cache_items', { group: 'scores' });
  const putMany = (keys: string[], ttl: string) =>
    request(
      'POST',
      `${cluster.gateway?.url}/api/v1/groups/scores/keys:batchSet`,
      JSON.stringify({ entries: keys.map((key) => ({ key, value: 'dg==', ttl })) }),
      { 'content-type': 'application/json' },
    );

  beforeAll(async () => {
    cluster = await startCluster({});
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('removes 3,000 entries with a 2 s TTL from every node within TTL + 3 s, keeping the long-lived ones', async () => {
    const short = Array.from({ length: 3_000 }, (_, i) => `short-${i}`);
    const long = Array.from({ length: 300 }, (_, i) => `long-${i}`);
    for (let i = 0; i < short.length; i += 1_000)
      expect((await putMany(short.slice(i, i + 1_000), '2s')).status).toBe(200);
    expect((await putMany(long, '10m')).status).toBe(200);
    const stored = Date.now();
    expect(await held()).toBe(3_300);
    await eventually('the short-lived entries removed', async () => (await held()) === 300, 2_000 + 3_000);
    const elapsed = Date.now() - stored;
    console.log(`3,000 entries with a 2 s TTL gone from every node ${elapsed} ms after they were stored`);
    const removed = await cluster.sum('ringcache_active_expirations_total', { group: 'scores' });
    expect(removed).toBe(3_000);
  });
});
