import { ClusterStats, type LocalReads, type NodeStatsSource } from './cluster-stats';
import { InvalidArgumentError, PeerUnavailableError, UnavailableError, UnknownGroupError } from './errors';
import { Group, type GroupStats } from './group';
import type { HotKey } from './hot-key-tracker';
import { found, loaderFn } from './loader';
import type { Member } from './membership';
import type { CallOptions, HotKeysRequest } from './protocol';

const member = (name: string): Member => ({ name, grpcAddress: `${name}:1`, httpAddress: `${name}:2` });

/** Counters of a real group after some gets, so the shape is the one nodes send. */
async function statsAfter(keys: string[]): Promise<GroupStats> {
  const group = new Group({ name: 'scores', maxBytes: 1 << 20, loader: loaderFn(async () => found('v')) });
  for (const key of keys) await group.get(key);
  return group.stats();
}

const hot = (key: string, count: number): HotKey => ({ key, count, rate: count / 60, error: 0 });

/** Nodes answering from tables; a node in `down` fails as unreachable. */
class FakeNodes implements NodeStatsSource {
  down = new Set<string>();
  deadlines: number[] = [];
  constructor(
    private readonly stats: Record<string, { name: string; stats: GroupStats }[]>,
    private readonly hot: Record<string, Record<string, HotKey[]>>,
  ) {}

  async groupStats(m: Member, options: CallOptions) {
    this.deadlines.push(options.deadlineMs);
    if (this.down.has(m.name)) throw new PeerUnavailableError(m.name, 'Stats', 'connection refused');
    return { groups: this.stats[m.name] ?? [] };
  }

  async hotKeys(m: Member, request: HotKeysRequest) {
    if (this.down.has(m.name)) throw new PeerUnavailableError(m.name, 'HotKeys', 'connection refused');
    const keys = this.hot[m.name]?.[request.group];
    if (!keys) throw new UnknownGroupError(request.group);
    return { keys: keys.slice(0, request.limit) };
  }
}

describe('ClusterStats', () => {
  it("sums every node's counters per group and says which nodes answered", async () => {
    const a = await statsAfter(['Tom', 'Tom', 'Sam']);
    const b = await statsAfter(['Jack']);
    const nodes = new FakeNodes(
      {
        n1: [{ name: 'scores', stats: a }],
        n2: [
          { name: 'other', stats: b },
          { name: 'scores', stats: b },
        ],
      },
      {},
    );
    nodes.down.add('n3');
    const local: LocalReads = { hits: (g) => (g === 'scores' ? 7 : 0), hotKeys: () => [] };
    const stats = new ClusterStats({
      members: () => ['n1', 'n2', 'n3'].map(member),
      source: nodes,
      deadlineMs: 250,
      local,
    });
    const { groups, nodes: answered } = await stats.groups();
    expect(nodes.deadlines).toEqual([250, 250, 250]);
    expect(answered).toEqual({
      asked: 3,
      answered: 2,
      failed: [{ node: 'n3', error: 'Stats on peer n3 failed: connection refused' }],
    });
    expect(groups.map((g) => g.name)).toEqual(['other', 'scores']);
    const scores = groups[1];
    expect(scores).toMatchObject({
      name: 'scores',
      nodes: 2,
      gets: { total: 4, hits: 1, misses: 3, notFound: 0, errors: 0 },
      loads: { ok: 3, not_found: 0, error: 0 },
      hotCacheHits: 0,
      nearCacheHits: 7,
      items: 3,
      evictions: 0,
    });
    expect(scores.gets.byOutcome).toMatchObject({ hit: 1, load: 3 });
    expect(scores.bytes).toBe(a.main.bytes + b.main.bytes);
    expect(groups[0].nearCacheHits).toBe(0);
  });

  it('adds up what a node of another version sends, missing fields as 0', async () => {
    const partial = { gets: { hit: 2 }, main: { bytes: 10 } } as unknown as GroupStats;
    const stats = new ClusterStats({
      members: () => [member('n1')],
      source: new FakeNodes({ n1: [{ name: 'scores', stats: partial }] }, {}),
      deadlineMs: 1,
    });
    const [scores] = (await stats.groups()).groups;
    expect(scores).toMatchObject({ gets: { total: 2, hits: 2 }, bytes: 10, items: 0 });
  });

  it('fails as unavailable when no node is known or none answers', async () => {
    const nodes = new FakeNodes({}, {});
    await expect(
      new ClusterStats({ members: () => [], source: nodes, deadlineMs: 1 }).groups(),
    ).rejects.toThrow(new UnavailableError('no cache nodes are known'));
    nodes.down.add('n1');
    await expect(
      new ClusterStats({ members: () => [member('n1')], source: nodes, deadlineMs: 1 }).groups(),
    ).rejects.toThrow('no cache node answered: n1: Stats on peer n1 failed: connection refused');
  });

  it("merges the nodes' and the caller's hot keys by key, hottest first", async () => {
    const nodes = new FakeNodes(
      {},
      {
        n1: { scores: [hot('Tom', 30), hot('Sam', 2)] },
        n2: { scores: [hot('Jack', 10), hot('Sam', 1)] },
        // n3 does not serve the group: it answered, with nothing to add.
      },
    );
    const local: LocalReads = { hits: () => 0, hotKeys: () => [hot('Jack', 25)] };
    const stats = new ClusterStats({
      members: () => ['n1', 'n2', 'n3'].map(member),
      source: nodes,
      deadlineMs: 1,
      local,
    });
    const top = await stats.hotKeys('scores', 2);
    expect(top.nodes).toEqual({ asked: 3, answered: 3, failed: [] });
    expect(top.keys).toEqual([hot('Jack', 35), hot('Tom', 30)]);
    expect((await stats.hotKeys('scores', 10)).keys.map((h) => h.key)).toEqual(['Jack', 'Tom', 'Sam']);
  });

  it('reports an unknown group when no answering node serves it, and a bad limit', async () => {
    const nodes = new FakeNodes({}, { n1: { scores: [] } });
    nodes.down.add('n2');
    const stats = new ClusterStats({ members: () => ['n1', 'n2'].map(member), source: nodes, deadlineMs: 1 });
    await expect(stats.hotKeys('nope', 10)).rejects.toBeInstanceOf(UnknownGroupError);
    expect(await stats.hotKeys('scores', 10)).toMatchObject({
      keys: [],
      nodes: { asked: 2, answered: 1, failed: [{ node: 'n2' }] },
    });
    for (const limit of [0, 101, 2.5]) {
      await expect(stats.hotKeys('scores', limit)).rejects.toThrow(
        new InvalidArgumentError(`limit must be an integer from 1 to 100, got ${limit}`),
      );
    }
  });
});
