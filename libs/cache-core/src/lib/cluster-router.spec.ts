import { ClusterRouter } from './cluster-router';
import {
  InvalidArgumentError,
  KeyTooLongError,
  LoadError,
  PeerUnavailableError,
  UnavailableError,
  UnknownGroupError,
} from './errors';
import type { Member } from './membership';
import { PeerSet } from './peer-set';
import type {
  CallOptions,
  DeleteManyRequest,
  DeleteRequest,
  FlushRequest,
  GetManyRequest,
  GetRequest,
  GetResponse,
  PeerClient,
  SetManyRequest,
  SetRequest,
} from './protocol';

/** A node the test controls: answers from a map, or is down. */
class FakeNode implements PeerClient {
  down = false;
  calls: GetRequest[] = [];
  constructor(
    readonly name: string,
    private readonly rows: Record<string, string> = {},
  ) {}
  async get(request: GetRequest): Promise<GetResponse> {
    this.calls.push(request);
    if (this.down) throw new PeerUnavailableError(this.name, 'Get', 'connect ECONNREFUSED');
    if (request.key === 'broken')
      throw new LoadError(request.group, request.key, { cause: new Error('database down') });
    const value = this.rows[request.key];
    return value === undefined
      ? { found: false, value: Buffer.alloc(0), expireAtMs: 5 }
      : { found: true, value: Buffer.from(value), expireAtMs: 0 };
  }
  batches: GetManyRequest[] = [];
  writes: (SetRequest | DeleteRequest | FlushRequest)[] = [];
  async getMany(request: GetManyRequest) {
    this.batches.push(request);
    if (this.down) throw new PeerUnavailableError(this.name, 'GetMany', 'connect ECONNREFUSED');
    return { results: await Promise.all(request.keys.map((key) => this.get({ ...request, key }))) };
  }
  async set(request: SetRequest) {
    this.writes.push(request);
    if (this.down) throw new PeerUnavailableError(this.name, 'Set', 'connect ECONNREFUSED');
    return { expireAtMs: 42 };
  }
  async delete(request: DeleteRequest) {
    this.writes.push(request);
    if (this.down) throw new PeerUnavailableError(this.name, 'Delete', 'connect ECONNREFUSED');
    return { deleted: true };
  }
  manyWrites: (SetManyRequest | DeleteManyRequest)[] = [];
  async setMany(request: SetManyRequest) {
    this.manyWrites.push(request);
    if (this.down) throw new PeerUnavailableError(this.name, 'SetMany', 'connect ECONNREFUSED');
    if (request.group === 'nope') throw new UnknownGroupError('nope');
    return { results: request.entries.map((e) => ({ expireAtMs: e.ttlMs })) };
  }
  async deleteMany(request: DeleteManyRequest) {
    this.manyWrites.push(request);
    if (this.down) throw new PeerUnavailableError(this.name, 'DeleteMany', 'connect ECONNREFUSED');
    return { results: request.keys.map((key) => ({ deleted: key === 'Tom' })) };
  }
  async flush(request: FlushRequest) {
    this.writes.push(request);
    if (this.down) throw new PeerUnavailableError(this.name, 'Flush', 'connect ECONNREFUSED');
    if (request.group === 'nope') throw new UnknownGroupError('nope');
    return { generation: request.generation };
  }
  expire = () => Promise.reject(new Error('unused'));
  close = async () => undefined;
}

function setup() {
  const nodes = new Map(['a', 'b', 'c'].map((n) => [n, new FakeNode(n, { Tom: '630' })]));
  const peers = new PeerSet({ connect: (m: Member) => nodes.get(m.name) as FakeNode });
  peers.update(
    [...nodes.keys()].map((name) => ({ name, grpcAddress: `${name}:1`, httpAddress: `${name}:2` })),
  );
  let generation = 0;
  const router = new ClusterRouter({
    peers,
    deadlineMs: 1_000,
    maxKeyBytes: 16,
    nextGeneration: async () => ++generation,
  });
  return { nodes, peers, router };
}

describe('ClusterRouter', () => {
  it("sends a key straight to its owner with no hop and the gateway's ring version", async () => {
    const { nodes, peers, router } = setup();
    const answer = await router.get('scores', 'Tom');
    expect(Buffer.from(answer.value).toString()).toBe('630');
    const owner = nodes.get(peers.owner('scores/Tom') as string) as FakeNode;
    expect(owner.calls).toEqual([{ group: 'scores', key: 'Tom', hops: 0, ringVersion: peers.ringVersion }]);
    expect(router.stats().upstream.ok).toBe(1);
  });

  it('sends the request id with every call, fallbacks and writes included', async () => {
    const { nodes, peers, router } = setup();
    const sent: { op: string; options: CallOptions }[] = [];
    for (const node of nodes.values()) {
      for (const op of ['get', 'getMany', 'set', 'delete', 'flush'] as const) {
        const call = node[op].bind(node) as (request: unknown) => Promise<unknown>;
        // FakeNode's getMany calls its own get without options: only the router's calls are recorded.
        (node as unknown as Record<string, unknown>)[op] = (request: unknown, options?: CallOptions) => {
          if (options) sent.push({ op, options });
          return call(request);
        };
      }
    }
    const ids = (op: string) => sent.filter((s) => s.op === op).map((s) => s.options.requestId);
    const [owner] = peers.route('scores/Tom') as FakeNode[];
    owner.down = true;
    await router.get('scores', 'Tom', { requestId: 'r-1' });
    owner.down = false;
    await router.getMany('scores', ['Tom', 'Jerry'], { requestId: 'r-2' });
    await router.set('scores', 'Tom', Buffer.from('1'), 0, { requestId: 'r-3' });
    await router.delete('scores', 'Tom', { requestId: 'r-4' });
    await router.flush('scores', { requestId: 'r-5' });
    expect(ids('get')).toEqual(['r-1', 'r-1']); // the owner, then the next owner
    expect(new Set(ids('getMany'))).toEqual(new Set(['r-2']));
    expect(ids('set')).toEqual(['r-3']);
    expect(ids('delete')).toEqual(['r-4']);
    expect(ids('flush')).toEqual(['r-5', 'r-5', 'r-5']);
    await router.get('scores', 'Tom');
    expect(sent.at(-1)?.options).toEqual({ deadlineMs: 1_000, requestId: undefined });
  });

  it('passes not found through as an answer, not an error', async () => {
    const { router } = setup();
    expect(await router.get('scores', 'Nobody')).toMatchObject({ found: false, expireAtMs: 5 });
  });

  it('falls back to the next owner, marked as one hop, when the owner is down', async () => {
    const { nodes, peers, router } = setup();
    const [owner, next] = peers.route('scores/Tom') as FakeNode[];
    owner.down = true;
    expect((await router.get('scores', 'Tom')).found).toBe(true);
    expect(next.calls[0].hops).toBe(1);
    expect(router.stats()).toMatchObject({ fallbacks: 1, upstream: { ok: 1, unavailable: 1 } });
    expect([...nodes.values()].reduce((n, node) => n + node.calls.length, 0)).toBe(2);
  });

  it('looks up the next owner only when the owner fails, on the ring as it is then', async () => {
    const { nodes, peers, router } = setup();
    const lookups: (number | undefined)[] = [];
    const route = peers.route.bind(peers);
    peers.route = (ringKey, attempts) => (lookups.push(attempts), route(ringKey, attempts));
    await router.get('scores', 'Tom');
    expect(lookups).toEqual([1]);
    // The owner leaves the ring while its call is in flight, then fails: the new owner is asked with no
    // hop, and the old one is not asked again.
    const [owner] = peers.route('scores/Tom') as FakeNode[];
    const others = [...nodes.values()].filter((node) => node !== owner);
    owner.get = async (request) => {
      owner.calls.push(request);
      peers.update(others.map(({ name }) => ({ name, grpcAddress: `${name}:1`, httpAddress: `${name}:2` })));
      throw new PeerUnavailableError(owner.name, 'Get', 'connect ECONNREFUSED');
    };
    lookups.length = 0;
    expect((await router.get('scores', 'Tom')).found).toBe(true);
    expect(lookups).toEqual([1, undefined]);
    const [newOwner] = peers.route('scores/Tom') as FakeNode[];
    expect(newOwner.calls.at(-1)).toMatchObject({ hops: 0, ringVersion: peers.ringVersion });
    expect(owner.calls).toHaveLength(2);
    expect(others.reduce((n, node) => n + node.calls.length, 0)).toBe(1);
  });

  it('answers unavailable when no owner answers', async () => {
    const { nodes, router } = setup();
    for (const node of nodes.values()) node.down = true;
    await expect(router.get('scores', 'Tom')).rejects.toBeInstanceOf(UnavailableError);
    expect(router.stats().unavailable).toBe(1);
  });

  it('does not fall back on an error the owner reports', async () => {
    const { router } = setup();
    await expect(router.get('scores', 'broken')).rejects.toMatchObject({ code: 'load_failed' });
    expect(router.stats()).toMatchObject({ fallbacks: 0, upstream: { error: 1 } });
  });

  it('rejects empty and long keys before calling anyone', async () => {
    const { nodes, router } = setup();
    await expect(router.get('scores', '')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(router.get('', 'Tom')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(router.get('scores', 'é'.repeat(9))).rejects.toBeInstanceOf(KeyTooLongError);
    expect([...nodes.values()].every((n) => n.calls.length === 0)).toBe(true);
  });

  it('answers unavailable while it knows no node', async () => {
    const router = new ClusterRouter({
      peers: new PeerSet({ connect: () => new FakeNode('x') }),
      deadlineMs: 1_000,
      maxKeyBytes: 16,
      nextGeneration: async () => 1,
    });
    await expect(router.get('scores', 'Tom')).rejects.toThrow('no cache nodes are known');
    await expect(router.getMany('scores', ['Tom', 'Jerry'])).rejects.toThrow('no cache nodes are known');
    const entries = [{ key: 'Tom', value: Buffer.from('1'), ttlMs: 0 }];
    await expect(router.setMany('scores', entries)).rejects.toThrow('no cache nodes are known');
    // Each of the three requests failed for want of a node.
    expect(router.stats().unavailable).toBe(3);
  });

  it('batches a getMany into one call per owner, answers in request order, and falls back per key', async () => {
    const { nodes, router } = setup();
    const keys = ['Tom', ...Array.from({ length: 30 }, (_, i) => `k${i}`)];
    const answers = await router.getMany('scores', keys);
    expect(answers.map((a) => a.found)).toEqual(keys.map((k) => k === 'Tom'));
    const batches = [...nodes.values()].flatMap((n) => n.batches);
    expect(batches.length).toBe(3);
    expect(batches.every((b) => b.hops === 0)).toBe(true);
    expect(batches.flatMap((b) => b.keys).sort()).toEqual([...keys].sort());

    const [down] = [...nodes.values()].filter((n) => n.batches.length > 0);
    down.down = true;
    const again = await router.getMany('scores', keys);
    expect(again.map((a) => a.found)).toEqual(keys.map((k) => k === 'Tom'));
    await expect(router.getMany('scores', [])).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('sends writes to the owner only, and fails them as unavailable rather than storing elsewhere', async () => {
    const { nodes, peers, router } = setup();
    expect(await router.set('scores', 'Tom', Buffer.from('1'), 5_000)).toEqual({ expireAtMs: 42 });
    expect(await router.delete('scores', 'Tom')).toEqual({ deleted: true });
    const owner = nodes.get(peers.owner('scores/Tom') as string) as FakeNode;
    expect(owner.writes.map((w) => ('key' in w ? w.key : ''))).toEqual(['Tom', 'Tom']);
    owner.down = true;
    await expect(router.set('scores', 'Tom', Buffer.from('2'), 0)).rejects.toBeInstanceOf(UnavailableError);
    await expect(router.delete('scores', 'Tom')).rejects.toBeInstanceOf(UnavailableError);
    const others = [...nodes.values()].filter((n) => n !== owner);
    expect(others.every((n) => n.writes.length === 0)).toBe(true);
  });

  it('writes a batch with one call per owner, answers in order, and fails only an unreachable owner’s entries', async () => {
    const { nodes, peers, router } = setup();
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    const entries = keys.map((key, i) => ({ key, value: Buffer.from('v'), ttlMs: 1_000 + i }));
    const stored = await router.setMany('scores', entries);
    expect(stored).toEqual(keys.map((_, i) => ({ expireAtMs: 1_000 + i })));
    for (const node of nodes.values()) {
      expect(node.manyWrites).toHaveLength(1);
      const sent = (node.manyWrites[0] as SetManyRequest).entries.map((e) => e.key);
      expect(sent.every((key) => peers.owner(`scores/${key}`) === node.name)).toBe(true);
    }
    const down = nodes.get('b') as FakeNode;
    down.down = true;
    const partial = await router.deleteMany('scores', ['Tom', ...keys]);
    ['Tom', ...keys].forEach((key, i) => {
      if (peers.owner(`scores/${key}`) === 'b') {
        expect(partial[i]).toEqual({ error: expect.any(UnavailableError) });
      } else expect(partial[i]).toEqual({ deleted: key === 'Tom' });
    });
    await expect(router.setMany('nope', entries)).rejects.toBeInstanceOf(UnknownGroupError);
  });

  it('refuses a bad batch of writes before sending anything', async () => {
    const { nodes, router } = setup();
    const entry = (key: string) => ({ key, value: Buffer.from('v'), ttlMs: 0 });
    await expect(router.setMany('scores', [])).rejects.toThrow('a batch must have at least one entry');
    await expect(router.deleteMany('scores', Array(1_001).fill('k'))).rejects.toThrow(
      'at most 1000 entries per request, got 1001',
    );
    await expect(router.setMany('scores', [entry('ok'), entry('')])).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(router.setMany('scores', [entry('ok'), entry('k'.repeat(17))])).rejects.toBeInstanceOf(
      KeyTooLongError,
    );
    expect([...nodes.values()].every((n) => n.manyWrites.length === 0)).toBe(true);
  });

  it('flushes a group on every node with a new generation, naming nodes it could not reach', async () => {
    const { nodes, router } = setup();
    expect(await router.flush('scores')).toEqual({ generation: 1, nodes: 3, unreachable: [] });
    (nodes.get('b') as FakeNode).down = true;
    expect(await router.flush('scores')).toEqual({ generation: 2, nodes: 2, unreachable: ['b'] });
    await expect(router.flush('nope')).rejects.toBeInstanceOf(UnknownGroupError);
  });
});
