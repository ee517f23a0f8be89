import { BatchingPeerClient } from './batching-peer-client';
import { InvalidArgumentError, LoadError, PeerUnavailableError, UnknownGroupError } from './errors';
import type {
  CallOptions,
  DeleteManyRequest,
  GetManyRequest,
  GetRequest,
  GetResponse,
  PeerClient,
} from './protocol';

/** A peer that answers every key with its own name as the value, records every call, and can fail. */
class RecordingPeer implements PeerClient {
  readonly name = 'node-b';
  gets: { request: GetRequest; options: CallOptions }[] = [];
  batches: { request: GetManyRequest; options: CallOptions }[] = [];
  /** Fails every call with this error. */
  failWith?: Error;
  /** Keys answered with a per-key error. */
  failingKeys = new Map<string, { code: 'load_failed' | 'peer_unavailable'; message: string }>();
  closed = false;

  async get(request: GetRequest, options: CallOptions): Promise<GetResponse> {
    this.gets.push({ request, options });
    if (this.failWith) throw this.failWith;
    return this.answer(request.key);
  }

  async getMany(request: GetManyRequest, options: CallOptions) {
    this.batches.push({ request, options });
    if (this.failWith) throw this.failWith;
    if (this.closed) throw new PeerUnavailableError(this.name, 'GetMany', 'client is closed');
    return { results: request.keys.map((key) => this.answer(key)) };
  }

  private answer(key: string): GetResponse {
    const error = this.failingKeys.get(key);
    if (error) return { found: false, value: Buffer.alloc(0), expireAtMs: 0, error };
    return { found: true, value: Buffer.from(`v:${key}`), expireAtMs: 7 };
  }

  drops: DeleteManyRequest[] = [];

  set = () => Promise.resolve({ expireAtMs: 1 });
  setMany = () => Promise.resolve({ results: [{ expireAtMs: 1 }] });
  delete = () => Promise.resolve({ deleted: true });
  async deleteMany(request: DeleteManyRequest) {
    this.drops.push(request);
    if (this.failWith) throw this.failWith;
    return { results: request.keys.map((key) => ({ deleted: key !== 'absent' })) };
  }
  flush = () => Promise.resolve({ generation: 1 });
  expire = () => Promise.resolve({ removed: 0, scheduled: 0 });
  async close() {
    this.closed = true;
  }
}

const ctx = { ringVersion: 'r1', hops: 0 };
const call = { deadlineMs: 1_000 };
const get = (client: PeerClient, key: string, group = 'g', options: CallOptions = call) =>
  client.get({ group, key, ...ctx }, options);

describe('BatchingPeerClient', () => {
  it('sends the gets of one turn as one GetMany and gives each caller its own answer', async () => {
    const peer = new RecordingPeer();
    const sizes: number[] = [];
    const client = new BatchingPeerClient(peer, { onBatch: (n) => sizes.push(n) });
    const answers = await Promise.all(['a', 'b', 'c'].map((key) => get(client, key)));
    expect(answers.map((a) => a.value.toString())).toEqual(['v:a', 'v:b', 'v:c']);
    expect(peer.gets).toHaveLength(0);
    expect(peer.batches.map((b) => b.request)).toEqual([{ group: 'g', keys: ['a', 'b', 'c'], ...ctx }]);
    expect(sizes).toEqual([3]);
  });

  it('sends a lone get as a plain Get, with its own request id and deadline', async () => {
    const peer = new RecordingPeer();
    const client = new BatchingPeerClient(peer);
    await get(client, 'only', 'g', { deadlineMs: 250, requestId: 'req-1' });
    expect(peer.batches).toHaveLength(0);
    expect(peer.gets).toHaveLength(1);
    expect(peer.gets[0].options.requestId).toBe('req-1');
    expect(peer.gets[0].options.deadlineMs).toBeLessThanOrEqual(250);
    expect(peer.gets[0].options.deadlineMs).toBeGreaterThan(200);
  });

  it('asks for a key once however many callers want it in the turn', async () => {
    const peer = new RecordingPeer();
    const client = new BatchingPeerClient(peer);
    const answers = await Promise.all([
      get(client, 'x'),
      get(client, 'x'),
      get(client, 'y'),
      get(client, 'x'),
    ]);
    expect(answers.map((a) => a.value.toString())).toEqual(['v:x', 'v:x', 'v:y', 'v:x']);
    expect(peer.batches[0].request.keys).toEqual(['x', 'y']);
  });

  it('keeps groups and hop counts in batches of their own', async () => {
    const peer = new RecordingPeer();
    const client = new BatchingPeerClient(peer);
    await Promise.all([
      get(client, 'a', 'g1'),
      get(client, 'b', 'g2'),
      get(client, 'c', 'g1'),
      client.get({ group: 'g1', key: 'd', ringVersion: 'r1', hops: 1 }, call),
      client.get({ group: 'g1', key: 'e', ringVersion: 'r1', hops: 1 }, call),
    ]);
    const sent = [...peer.batches.map((b) => b.request), ...peer.gets.map((g) => g.request)];
    expect(sent).toEqual(
      expect.arrayContaining([
        { group: 'g1', keys: ['a', 'c'], ringVersion: 'r1', hops: 0 },
        { group: 'g1', keys: ['d', 'e'], ringVersion: 'r1', hops: 1 },
        { group: 'g2', key: 'b', ringVersion: 'r1', hops: 0 },
      ]),
    );
    expect(sent).toHaveLength(3);
  });

  it('sends the shortest deadline left among its callers, and the first caller request id', async () => {
    const peer = new RecordingPeer();
    const client = new BatchingPeerClient(peer);
    await Promise.all([
      get(client, 'a', 'g', { deadlineMs: 5_000, requestId: 'first' }),
      get(client, 'b', 'g', { deadlineMs: 300, requestId: 'second' }),
    ]);
    const { options } = peer.batches[0];
    expect(options.requestId).toBe('first');
    expect(options.deadlineMs).toBeLessThanOrEqual(300);
    expect(options.deadlineMs).toBeGreaterThan(250);
  });

  it('fails only the keys the peer reports failed, with their own error class', async () => {
    const peer = new RecordingPeer();
    peer.failingKeys.set('bad', { code: 'load_failed', message: 'loading g/bad failed: db down' });
    peer.failingKeys.set('far', { code: 'peer_unavailable', message: 'node-c is down' });
    const client = new BatchingPeerClient(peer);
    const [good, bad, far] = await Promise.allSettled([
      get(client, 'good'),
      get(client, 'bad'),
      get(client, 'far'),
    ]);
    expect(good).toMatchObject({ status: 'fulfilled', value: { found: true } });
    expect(bad).toMatchObject({
      status: 'rejected',
      reason: { code: 'load_failed', message: 'loading g/bad failed: db down' },
    });
    expect((bad as PromiseRejectedResult).reason).toBeInstanceOf(LoadError);
    expect((far as PromiseRejectedResult).reason).toBeInstanceOf(PeerUnavailableError);
    expect((far as PromiseRejectedResult).reason).toMatchObject({ recoverable: true, peer: 'node-b' });
  });

  it('fails every caller of a batch whose call fails, with that error', async () => {
    const peer = new RecordingPeer();
    peer.failWith = new UnknownGroupError('g');
    const client = new BatchingPeerClient(peer);
    const settled = await Promise.allSettled([get(client, 'a'), get(client, 'b')]);
    expect(settled.every((s) => s.status === 'rejected' && s.reason instanceof UnknownGroupError)).toBe(true);
  });

  it('refuses a peer answer with a result missing, for every caller', async () => {
    const peer = new RecordingPeer();
    peer.getMany = async () => ({ results: [] });
    const client = new BatchingPeerClient(peer);
    const settled = await Promise.allSettled([get(client, 'a'), get(client, 'b')]);
    expect(settled.map((s) => (s as PromiseRejectedResult).reason?.message)).toEqual([
      'GetMany on peer node-b: malformed answer: 0 results for 2 keys',
      'GetMany on peer node-b: malformed answer: 0 results for 2 keys',
    ]);
  });

  it('sends a batch at once when it reaches maxKeys', async () => {
    const peer = new RecordingPeer();
    const client = new BatchingPeerClient(peer, { maxKeys: 2 });
    const pending = [get(client, 'a'), get(client, 'b'), get(client, 'c')];
    // The first two went out synchronously, before the turn ended.
    expect(peer.batches.map((b) => b.request.keys)).toEqual([['a', 'b']]);
    await Promise.all(pending);
    expect(peer.gets.map((g) => g.request.key)).toEqual(['c']);
  });

  it('holds new gets while maxInFlight calls are under way, and sends them together when one ends', async () => {
    const peer = new RecordingPeer();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const answer = peer.get.bind(peer);
    peer.get = async (request, options) => {
      await gate;
      return answer(request, options);
    };
    const client = new BatchingPeerClient(peer, { maxInFlight: 1 });
    const first = get(client, 'a');
    await new Promise((resolve) => setImmediate(resolve));
    const later = ['b', 'c', 'd'].map((key) => get(client, key));
    await new Promise((resolve) => setImmediate(resolve));
    // The turn ended, but one call is under way: the three wait for it, together.
    expect(peer.batches).toHaveLength(0);
    release();
    await Promise.all([first, ...later]);
    expect(peer.gets.map((g) => g.request.key)).toEqual(['a']);
    expect(peer.batches.map((b) => b.request.keys)).toEqual([['b', 'c', 'd']]);
  });

  it('waits windowMs for more gets when asked to', async () => {
    const peer = new RecordingPeer();
    const client = new BatchingPeerClient(peer, { windowMs: 20 });
    const first = get(client, 'a');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = get(client, 'b');
    await Promise.all([first, second]);
    expect(peer.batches.map((b) => b.request.keys)).toEqual([['a', 'b']]);
  });

  it('passes every other call through, and on close sends what was gathered to the closed peer', async () => {
    const peer = new RecordingPeer();
    const client = new BatchingPeerClient(peer, { windowMs: 1_000 });
    await expect(
      client.set({ group: 'g', key: 'k', value: Buffer.alloc(0), ttlMs: 0, ...ctx }, call),
    ).resolves.toEqual({
      expireAtMs: 1,
    });
    const pending = Promise.allSettled([get(client, 'a'), get(client, 'b')]);
    await client.close();
    const settled = await pending;
    expect(settled.every((s) => s.status === 'rejected' && s.reason instanceof PeerUnavailableError)).toBe(
      true,
    );
  });

  it("sends an owner's fan-out drops of one turn and group as one call, each caller getting its keys' answers", async () => {
    const peer = new RecordingPeer();
    const client = new BatchingPeerClient(peer);
    const drop = (keys: string[], group = 'g') =>
      client.deleteMany({ group, keys, localOnly: true, ringVersion: 'r1', hops: 1 }, call);
    const [a, b, c] = await Promise.all([drop(['x', 'absent']), drop(['y', 'x']), drop(['z'], 'other')]);
    expect(a.results).toEqual([{ deleted: true }, { deleted: false }]);
    expect(b.results).toEqual([{ deleted: true }, { deleted: true }]);
    expect(c.results).toEqual([{ deleted: true }]);
    expect(peer.drops.map((d) => [d.group, d.keys])).toEqual([
      ['g', ['x', 'absent', 'y']],
      ['other', ['z']],
    ]);
    // A delete that is not a fan-out goes out as it is, at once.
    await client.deleteMany({ group: 'g', keys: ['k'], ringVersion: 'r1', hops: 0 }, call);
    expect(peer.drops.at(-1)).toEqual({ group: 'g', keys: ['k'], ringVersion: 'r1', hops: 0 });
  });

  it('fails every fan-out caller of a batch whose call fails', async () => {
    const peer = new RecordingPeer();
    peer.failWith = new PeerUnavailableError('node-b', 'DeleteMany', 'connect ECONNREFUSED');
    const client = new BatchingPeerClient(peer);
    const drop = (keys: string[]) =>
      client.deleteMany({ group: 'g', keys, localOnly: true, ringVersion: 'r1', hops: 1 }, call);
    const settled = await Promise.allSettled([drop(['a']), drop(['b'])]);
    expect(settled.every((s) => s.status === 'rejected' && s.reason instanceof PeerUnavailableError)).toBe(
      true,
    );
  });

  it('lets the peer client refuse a bad deadline itself', async () => {
    const peer = new RecordingPeer();
    peer.get = async () => {
      throw new InvalidArgumentError('Get: deadlineMs must be a positive number of ms, got 0');
    };
    const client = new BatchingPeerClient(peer);
    await expect(get(client, 'a', 'g', { deadlineMs: 0 })).rejects.toThrow(InvalidArgumentError);
  });

  it.each([
    [{ windowMs: -1 }, 'batching option windowMs must be an integer from 0 to 1000, got -1'],
    [{ windowMs: 1.5 }, 'batching option windowMs must be an integer from 0 to 1000, got 1.5'],
    [{ maxKeys: 0 }, 'batching option maxKeys must be an integer from 1 to 1000, got 0'],
    [{ maxKeys: 1_001 }, 'batching option maxKeys must be an integer from 1 to 1000, got 1001'],
    [{ maxInFlight: 0 }, 'batching option maxInFlight must be a positive integer, got 0'],
  ])('refuses %j', (options, message) => {
    expect(() => new BatchingPeerClient(new RecordingPeer(), options)).toThrow(message);
  });
});
