import { startCluster, type TestCluster } from '@ringcache/testing';

import { gatewayUrl, get } from '../support';

/** What GET /api/v1/groups answers, as far as this suite reads it. */
interface GroupsView {
  groups: {
    name: string;
    nodes: number;
    gets: { total: number; hits: number; misses: number; notFound: number; errors: number };
    loads: { ok: number; not_found: number; error: number };
    nearCacheHits: number;
    items: number;
    bytes: number;
  }[];
  nodes: { asked: number; answered: number; failed: { node: string; error: string }[] };
}

/** What GET /api/v1/groups/:group/hot answers. */
interface HotView {
  group: string;
  keys: { key: string; count: number; rate: number; error: number }[];
  nodes: GroupsView['nodes'];
}

async function json<T>(url: string): Promise<{ status: number; body: T }> {
  const answer = await get(url);
  return { status: answer.status, body: JSON.parse(answer.body) as T };
}

/** Cluster-wide group statistics and hot keys, asked of 3 real nodes through the gateway. */
describe('GET /api/v1/groups and /hot on a 3-node cluster', () => {
  let cluster: TestCluster;
  let base: string;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, transport: 'grpc' });
    base = `${cluster.gateway?.url}/api/v1/groups`;
    // One key read 50 times, two others once, one that does not exist twice.
    for (let i = 0; i < 50; i++) expect((await get(gatewayUrl(cluster, 'scores', 'Tom'))).status).toBe(200);
    for (const key of ['Jack', 'Sam'])
      expect((await get(gatewayUrl(cluster, 'scores', key))).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await get(gatewayUrl(cluster, 'scores', 'nobody'))).status).toBe(404);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('puts the key read 50 times first, counting reads the near cache answered too', async () => {
    const { status, body } = await json<HotView>(`${base}/scores/hot?limit=3`);
    expect(status).toBe(200);
    expect(body.nodes).toEqual({ asked: 3, answered: 3, failed: [] });
    expect(body.keys).toHaveLength(3);
    const [first, ...rest] = body.keys;
    expect(first.key).toBe('Tom');
    // Counts decay with a 60 s time constant: 50 reads of the last few seconds count a little under 50.
    expect(first.count).toBeGreaterThan(40);
    expect(first.count).toBeLessThanOrEqual(50);
    expect(first.rate).toBeCloseTo(first.count / 60, 2);
    expect(rest[0].key).toBe('nobody');
    for (const other of rest.slice(1)) expect(other.count).toBeLessThanOrEqual(1);
  });

  it('sums every node’s counters to what was done', async () => {
    const { status, body } = await json<GroupsView>(base);
    expect(status).toBe(200);
    expect(body.nodes).toEqual({ asked: 3, answered: 3, failed: [] });
    const scores = body.groups.find((g) => g.name === 'scores');
    expect(scores).toBeDefined();
    if (!scores) return;
    expect(scores.nodes).toBe(3);
    // 54 reads: each answered either by the gateway's near cache or by the key's owner, never both.
    expect(scores.gets.total + scores.nearCacheHits).toBe(54);
    expect(scores.gets.errors).toBe(0);
    // Each key loaded once, by its owner: 3 found, 1 not (kept as a cached "not found").
    expect(scores.loads).toEqual({ ok: 3, not_found: 1, error: 0 });
    expect(scores.gets.misses).toBe(3);
    expect(scores.items).toBe(4);
    expect(scores.bytes).toBeGreaterThan(0);
  });

  it('answers 400 for a bad limit and 404 for an unknown group, as JSON', async () => {
    expect(await json(`${base}/scores/hot?limit=abc`)).toEqual({
      status: 400,
      body: { code: 'invalid_argument', message: 'limit must be an integer from 1 to 100, got "abc"' },
    });
    expect(await json(`${base}/nope/hot`)).toEqual({
      status: 404,
      body: { code: 'unknown_group', message: 'unknown group "nope"' },
    });
  });

  it('still answers when a node does not, naming it', async () => {
    await cluster.node('node3').process.stop('SIGKILL');
    const { status, body } = await json<GroupsView>(base);
    expect(status).toBe(200);
    expect(body.nodes.asked).toBe(3);
    expect(body.nodes.answered).toBe(2);
    expect(body.nodes.failed.map((f) => f.node)).toEqual(['node3']);
    expect(body.groups.find((g) => g.name === 'scores')?.nodes).toBe(2);
    const hot = await json<HotView>(`${base}/scores/hot`);
    expect(hot.status).toBe(200);
    expect(hot.body.nodes.failed.map((f) => f.node)).toEqual(['node3']);
  });
});
