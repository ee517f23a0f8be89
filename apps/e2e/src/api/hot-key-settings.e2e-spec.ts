import { startCluster, type TestCluster } from '@ringcache/testing';

import { gatewayUrl, get } from '../support';

interface HotView {
  keys: { key: string; count: number; rate: number }[];
}

/**
 * A group's hot-key settings reach both the node's counters and the gateway's near cache; and each
 * process's start-up summary names only the settings it reads.
 */
describe('hot-key settings and start-up summaries, on real processes', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 1,
      groups: { scores: { hotKeys: 1, hotKeyWindow: '10s' } },
      env: { RINGCACHE_LOG_LEVEL: 'info', RINGCACHE_LOG_FORMAT: 'json' },
    });
    for (const key of ['Jack', 'Sam', 'Tom', 'Tom', 'Tom', 'Tom', 'Tom'])
      expect((await get(gatewayUrl(cluster, 'scores', key))).status).toBe(200);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('counts with one counter per process and a 10 s decay', async () => {
    const answer = await get(`${cluster.gateway?.url}/api/v1/groups/scores/hot?limit=10`);
    expect(answer.status).toBe(200);
    const { keys } = JSON.parse(answer.body) as HotView;
    // The node counted three loads, the gateway's near cache four hits of Tom: with one counter each, at
    // most two keys are reported (with the default 256, all three would be).
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.length).toBeLessThanOrEqual(2);
    for (const hot of keys) expect(hot.rate).toBeCloseTo(hot.count / 10, 3);
  });

  it("prints no database or node settings in the gateway's summary, and no gateway settings in the node's", () => {
    const gateway = cluster.gateway?.process.output() ?? '';
    const node = cluster.nodes[0].process.output();
    expect(gateway).toContain('gateway security: ');
    expect(gateway).toContain('hot keys 1 over 10s');
    expect(gateway).not.toMatch(/"msg":"(mysql|sqlite|node|demo|ttlWorker): /);
    expect(node).toMatch(/"msg":"sqlite: /);
    expect(node).not.toMatch(/"msg":"(gateway|gateway security|ttlWorker): /);
  });
});
