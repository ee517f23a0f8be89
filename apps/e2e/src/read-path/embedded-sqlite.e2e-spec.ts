import { startCluster, type TestCluster } from '@ringcache/testing';

import { concurrently, gatewayUrl, get, peerUrl } from '../support';

/** The same read path on the embedded database, seeded on first start as `npm start` uses it. */
describe('read path on embedded SQLite', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ transport: 'grpc' });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('loads a cold key once for 1,000 concurrent requests', async () => {
    const before = await cluster.sum('ringcache_loads_total', { group: 'scores' });
    const answers = await concurrently(1_000, (i) =>
      i % 4 === 3
        ? get(gatewayUrl(cluster, 'scores', 'Sam'))
        : get(peerUrl(cluster.nodes[i % 4], 'scores', 'Sam')),
    );
    expect(answers.every((a) => a.status === 200 && a.body === '567')).toBe(true);
    expect((await cluster.sum('ringcache_loads_total', { group: 'scores' })) - before).toBe(1);
  });

  it('serves the seeded demo rows through the gateway and every node', async () => {
    expect(await get(gatewayUrl(cluster, 'scores', 'Tom'))).toEqual({ status: 200, body: '630' });
    expect(await get(`${cluster.gateway?.url}/api?group=scores&key=Jack`)).toEqual({
      status: 200,
      body: '589',
    });
    expect(await get(`${cluster.gateway?.url}/api?key=Sam`)).toEqual({ status: 200, body: '567' });
    for (const node of cluster.nodes)
      expect(await get(peerUrl(node, 'scores', 'Tom'))).toEqual({ status: 200, body: '630' });
  });

  it('agrees on one ring everywhere', async () => {
    const versions = await Promise.all([
      ...cluster.nodes.map(
        async (n) =>
          (JSON.parse((await get(`${n.url}/cluster`)).body) as { ringVersion: string }).ringVersion,
      ),
      (JSON.parse((await get(`${cluster.gateway?.url}/api/v1/cluster`)).body) as { ringVersion: string })
        .ringVersion,
    ]);
    expect(new Set(versions).size).toBe(1);
  });
});
