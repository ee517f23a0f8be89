import { BatchingPeerClient } from './batching-peer-client';
import { InvalidArgumentError, PeerUnavailableError, RingcacheError, ValueTooLargeError } from './errors';
import type {
  CallOptions,
  DeleteManyRequest,
  DeleteRequest,
  PeerClient,
  SetManyRequest,
  SetRequest,
} from './protocol';
import { MAX_WRITE_BATCH_BYTES } from './write-batcher';

/** A peer that records its write calls; a set's expiry is its ttl, a key `absent` is not held. */
class WritePeer implements PeerClient {
  readonly name = 'node-b';
  calls: { method: string; request: unknown; options: CallOptions }[] = [];
  /** Fails every batched call with this error. */
  failManyWith?: Error;
  /** Refuses (alone or in a batch) a set whose value is this long. */
  tooLong = -1;
  /** Answers batches with one result too few. */
  shortAnswers = false;

  async set(request: SetRequest, options: CallOptions) {
    this.calls.push({ method: 'set', request, options });
    if (request.value.byteLength === this.tooLong) throw new ValueTooLargeError(this.tooLong, 1);
    return { expireAtMs: request.ttlMs };
  }
  async setMany(request: SetManyRequest, options: CallOptions) {
    this.calls.push({ method: 'setMany', request, options });
    if (this.failManyWith) throw this.failManyWith;
    if (request.entries.some((e) => e.value.byteLength === this.tooLong))
      throw new ValueTooLargeError(this.tooLong, 1);
    const results = request.entries.map((e) => ({ expireAtMs: e.ttlMs }));
    return { results: this.shortAnswers ? results.slice(1) : results };
  }
  async delete(request: DeleteRequest, options: CallOptions) {
    this.calls.push({ method: 'delete', request, options });
    return { deleted: request.key !== 'absent' };
  }
  async deleteMany(request: DeleteManyRequest, options: CallOptions) {
    this.calls.push({ method: 'deleteMany', request, options });
    if (this.failManyWith) throw this.failManyWith;
    return { results: request.keys.map((key) => ({ deleted: key !== 'absent' })) };
  }
  get = () => Promise.reject(new Error('not used'));
  getMany = () => Promise.reject(new Error('not used'));
  flush = () => Promise.resolve({ generation: 1 });
  expire = () => Promise.resolve({ removed: 0, scheduled: 0 });
  close = () => Promise.resolve();
}

const ctx = { ringVersion: 'r1', hops: 0 };
const call = { deadlineMs: 1_000 };
const set = (
  client: PeerClient,
  key: string,
  ttlMs = 1_000,
  value = Buffer.from('v'),
  options: CallOptions = call,
) => client.set({ group: 'g', key, value, ttlMs, ...ctx }, options);
const del = (client: PeerClient, key: string, options: CallOptions = call) =>
  client.delete({ group: 'g', key, ...ctx }, options);

describe('BatchingPeerClient writes (WriteBatcher)', () => {
  it('sends the sets of one turn as one SetMany, each caller answered with its own entry', async () => {
    const peer = new WritePeer();
    const client = new BatchingPeerClient(peer);
    const answers = await Promise.all([
      set(client, 'a', 1_000),
      set(client, 'b', 2_000),
      set(client, 'c', 3_000),
    ]);
    expect(answers).toEqual([{ expireAtMs: 1_000 }, { expireAtMs: 2_000 }, { expireAtMs: 3_000 }]);
    expect(peer.calls.map((c) => c.method)).toEqual(['setMany']);
    const request = peer.calls[0].request as SetManyRequest;
    expect(request).toMatchObject({ group: 'g', ...ctx });
    expect(request.entries.map((e) => e.key)).toEqual(['a', 'b', 'c']);
  });

  it('sends a lone set as a plain Set, with its own request id and deadline', async () => {
    const peer = new WritePeer();
    const client = new BatchingPeerClient(peer);
    await set(client, 'only', 1_000, Buffer.from('v'), { deadlineMs: 250, requestId: 'req-1' });
    expect(peer.calls).toHaveLength(1);
    expect(peer.calls[0]).toMatchObject({ method: 'set', request: { key: 'only', ttlMs: 1_000 } });
    expect(peer.calls[0].options.requestId).toBe('req-1');
    expect(peer.calls[0].options.deadlineMs).toBeLessThanOrEqual(250);
  });

  it('sends a batch with the shortest deadline among its callers and the first request id', async () => {
    const peer = new WritePeer();
    const client = new BatchingPeerClient(peer);
    await Promise.all([
      set(client, 'a', 1_000, Buffer.from('v'), { deadlineMs: 900, requestId: 'first' }),
      set(client, 'b', 1_000, Buffer.from('v'), { deadlineMs: 100, requestId: 'second' }),
    ]);
    expect(peer.calls[0].options.requestId).toBe('first');
    expect(peer.calls[0].options.deadlineMs).toBeLessThanOrEqual(100);
  });

  it('batches deletes at the owner as one DeleteMany; a local-only delete goes alone', async () => {
    const peer = new WritePeer();
    const client = new BatchingPeerClient(peer);
    const answers = await Promise.all([del(client, 'a'), del(client, 'absent'), del(client, 'c')]);
    expect(answers).toEqual([{ deleted: true }, { deleted: false }, { deleted: true }]);
    expect(peer.calls.map((c) => c.method)).toEqual(['deleteMany']);
    expect(peer.calls[0].request).toEqual({ group: 'g', keys: ['a', 'absent', 'c'], ...ctx });
    expect((peer.calls[0].request as DeleteManyRequest).localOnly).toBeUndefined();

    peer.calls = [];
    await Promise.all([
      client.delete({ group: 'g', key: 'x', localOnly: true, ...ctx }, call),
      client.delete({ group: 'g', key: 'y', localOnly: true, ...ctx }, call),
    ]);
    expect(peer.calls.map((c) => c.method)).toEqual(['delete', 'delete']);
  });

  it('keeps groups and hop counts apart', async () => {
    const peer = new WritePeer();
    const client = new BatchingPeerClient(peer);
    const value = Buffer.from('v');
    await Promise.all([
      set(client, 'a'),
      set(client, 'b'),
      client.set({ group: 'h', key: 'a', value, ttlMs: 0, ...ctx }, call),
      client.set({ group: 'g', key: 'c', value, ttlMs: 0, ringVersion: 'r1', hops: 1 }, call),
    ]);
    expect(peer.calls.map((c) => c.method).sort()).toEqual(['set', 'set', 'setMany']);
  });

  it('fails every caller with the error of a batch that failed as a whole (peer unreachable)', async () => {
    const peer = new WritePeer();
    peer.failManyWith = new PeerUnavailableError('node-b', 'SetMany', 'connection refused');
    const client = new BatchingPeerClient(peer);
    const settled = await Promise.allSettled([
      set(client, 'a'),
      set(client, 'b'),
      del(client, 'c'),
      del(client, 'd'),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    for (const s of settled) expect((s as PromiseRejectedResult).reason).toBeInstanceOf(PeerUnavailableError);
    // Not retried one by one: the peer is away for every one of them.
    expect(peer.calls.map((c) => c.method).sort()).toEqual(['deleteMany', 'setMany']);
  });

  it("sends each write alone when the batch was refused for an entry's fault, so only that one fails", async () => {
    const peer = new WritePeer();
    peer.tooLong = 3;
    const client = new BatchingPeerClient(peer);
    const settled = await Promise.allSettled([
      set(client, 'a', 1_000),
      set(client, 'bad', 1_000, Buffer.from('xyz')),
      set(client, 'c', 2_000),
    ]);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: { expireAtMs: 1_000 } });
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(ValueTooLargeError);
    expect(settled[2]).toEqual({ status: 'fulfilled', value: { expireAtMs: 2_000 } });
    expect(peer.calls.map((c) => c.method)).toEqual(['setMany', 'set', 'set', 'set']);
  });

  it('retries alone on an invalid argument too, but not on other refusals', async () => {
    const peer = new WritePeer();
    peer.failManyWith = new InvalidArgumentError('entry 1: ttl must be between 1 s and 30 days');
    const client = new BatchingPeerClient(peer);
    await expect(Promise.all([del(client, 'a'), del(client, 'b')])).resolves.toEqual([
      { deleted: true },
      { deleted: true },
    ]);
    peer.calls = [];
    peer.failManyWith = new RingcacheError('overloaded', 'too many requests in flight');
    const settled = await Promise.allSettled([del(client, 'a'), del(client, 'b')]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(peer.calls.map((c) => c.method)).toEqual(['deleteMany']);
  });

  it('fails every caller of a batch whose answer does not match its entries', async () => {
    const peer = new WritePeer();
    peer.shortAnswers = true;
    const client = new BatchingPeerClient(peer);
    const settled = await Promise.allSettled([set(client, 'a'), set(client, 'b')]);
    for (const s of settled) expect((s as PromiseRejectedResult).reason.message).toMatch(/malformed answer/);
  });

  it('sends a batch at once when its values reach the byte cap', async () => {
    const peer = new WritePeer();
    const client = new BatchingPeerClient(peer);
    const half = Buffer.alloc(MAX_WRITE_BATCH_BYTES / 2);
    await Promise.all([set(client, 'a', 0, half), set(client, 'b', 0, half), set(client, 'c', 0, half)]);
    const sizes = peer.calls.map((c) =>
      c.method === 'set' ? 1 : (c.request as SetManyRequest).entries.length,
    );
    expect(sizes).toEqual([2, 1]);
  });

  it('sends a set with no usable deadline alone, so the peer client says why', async () => {
    const peer = new WritePeer();
    const client = new BatchingPeerClient(peer);
    await Promise.all([set(client, 'a', 0, Buffer.from('v'), { deadlineMs: 0 }), set(client, 'b')]);
    expect(peer.calls.map((c) => c.method)).toEqual(['set', 'set']);
  });
});
