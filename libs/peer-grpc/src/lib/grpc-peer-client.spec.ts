import {
  InvalidArgumentError,
  KeyTooLongError,
  LoadError,
  LoadTimeoutError,
  UnimplementedError,
  UnknownGroupError,
} from '@ringcache/cache-core';

import { FAKE_MAX_KEY_BYTES, FakePeerHandler } from '../test/fake-peer-handler';
import { failure } from '../test/failure';
import { startTestNode } from '../test/test-node';
import type { TestNode } from '../test/test-node';
import { GrpcPeerClient } from './grpc-peer-client';

const call = { deadlineMs: 2_000 };
const ctx = { ringVersion: 'v1', hops: 0 };

describe('GrpcPeerClient against a Nest node', () => {
  let handler: FakePeerHandler;
  let node: TestNode;
  let client: GrpcPeerClient;

  beforeAll(async () => {
    handler = new FakePeerHandler(() => 1_000_000);
    node = await startTestNode(handler);
    client = new GrpcPeerClient({ name: 'node-b', address: node.grpcAddress });
  });
  afterAll(async () => {
    await client.close();
    await node.close();
  });

  describe('Get', () => {
    it('answers a found value with its expiry', async () => {
      handler.put('Tom', Buffer.from('630'), 1_700_000_000_123);
      const answer = await client.get({ group: 'scores', key: 'Tom', ...ctx }, call);
      expect(answer.found).toBe(true);
      expect(Buffer.from(answer.value).toString()).toBe('630');
      expect(answer.expireAtMs).toBe(1_700_000_000_123);
    });

    it('answers found = false for a missing key', async () => {
      const answer = await client.get({ group: 'scores', key: 'nobody', ...ctx }, call);
      expect(answer).toEqual({ found: false, value: Buffer.alloc(0), expireAtMs: 0 });
    });

    it('keeps an empty value distinct from not found', async () => {
      handler.put('empty', new Uint8Array(0));
      const answer = await client.get({ group: 'scores', key: 'empty', ...ctx }, call);
      expect(answer.found).toBe(true);
      expect(answer.value.byteLength).toBe(0);
    });

    it('carries binary bytes, zeros included, unchanged', async () => {
      const bytes = Buffer.from([0, 0, 255, 0, 1, 0, 128, 0]);
      handler.put('bin', bytes);
      const answer = await client.get({ group: 'scores', key: 'bin', ...ctx }, call);
      expect(answer.value).toBeInstanceOf(Uint8Array);
      expect(Buffer.compare(Buffer.from(answer.value), bytes)).toBe(0);
    });

    it('carries a value of a few MiB', async () => {
      const big = Buffer.alloc(3 * 1024 * 1024, 7);
      handler.put('big', big);
      const answer = await client.get({ group: 'scores', key: 'big', ...ctx }, call);
      expect(answer.value.byteLength).toBe(big.length);
    });

    it('answers a stale value with stale: true, and a fresh one without a stale property', async () => {
      handler.put('old', Buffer.from('was 630'), 1_000, true);
      handler.put('fresh', Buffer.from('640'), 2_000_000);
      const stale = await client.get({ group: 'scores', key: 'old', ...ctx }, call);
      expect(stale).toEqual({ found: true, value: Buffer.from('was 630'), expireAtMs: 1_000, stale: true });
      const fresh = await client.get({ group: 'scores', key: 'fresh', ...ctx }, call);
      expect(fresh).toStrictEqual({ found: true, value: Buffer.from('640'), expireAtMs: 2_000_000 });
    });

    it('hands the handler the request model: group, key, ring version, hops and request id', async () => {
      handler.received.length = 0;
      await client.get({ group: 'scores', key: 'Tom', ringVersion: 'abc123', hops: 1 }, call);
      // No id sent: the server names the request itself.
      expect(handler.received).toEqual([
        { group: 'scores', key: 'Tom', ringVersion: 'abc123', hops: 1, requestId: expect.any(String) },
      ]);
    });
  });

  describe('request ids', () => {
    const ids = () => handler.received.map((r) => (r as { requestId?: string }).requestId);

    it("sends the call's request id as x-request-id metadata, and the handler gets it", async () => {
      handler.received.length = 0;
      const withId = (requestId: string) => ({ ...call, requestId });
      await client.get({ group: 'scores', key: 'Tom', ...ctx }, withId('gw-1'));
      await client.getMany({ group: 'scores', keys: ['a', 'b'], ...ctx }, withId('gw-2'));
      await client.set(
        { group: 'scores', key: 'k', value: Buffer.from('v'), ttlMs: 0, ...ctx },
        withId('gw-3'),
      );
      await client.delete({ group: 'scores', key: 'k', ...ctx }, withId('gw-4'));
      expect(ids()).toEqual(['gw-1', 'gw-2', 'gw-3', 'gw-4']);
    });

    it('names a call that came without an id, or with one that is not valid, with an id of its own', async () => {
      handler.received.length = 0;
      await client.get({ group: 'scores', key: 'Tom', ...ctx }, call);
      await client.get({ group: 'scores', key: 'Tom', ...ctx }, { ...call, requestId: 'x'.repeat(200) });
      await client.get({ group: 'scores', key: 'Tom', ...ctx }, call);
      const [first, second, third] = ids();
      expect([first, second, third]).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
      expect(new Set([first, second, third]).size).toBe(3);
      expect(second).not.toBe('x'.repeat(200));
    });
  });

  describe('GetMany', () => {
    it('answers every key in request order', async () => {
      handler.put('a', Buffer.from('A'));
      handler.put('c', Buffer.from(''));
      const { results } = await client.getMany(
        { group: 'scores', keys: ['c', 'missing', 'a'], ...ctx },
        call,
      );
      expect(results.map((r) => [r.found, Buffer.from(r.value).toString()])).toEqual([
        [true, ''],
        [false, ''],
        [true, 'A'],
      ]);
    });

    it('marks each stale answer, in request order', async () => {
      handler.put('s1', Buffer.from('one'), 5, true);
      handler.put('f1', Buffer.from('two'), 6);
      const { results } = await client.getMany({ group: 'scores', keys: ['f1', 's1', 'gone'], ...ctx }, call);
      expect(results).toStrictEqual([
        { found: true, value: Buffer.from('two'), expireAtMs: 6 },
        { found: true, value: Buffer.from('one'), expireAtMs: 5, stale: true },
        { found: false, value: Buffer.alloc(0), expireAtMs: 0 },
      ]);
    });
  });

  describe('Set and Delete', () => {
    it('stores a value that a later Get returns, with the expiry the owner computed', async () => {
      const set = await client.set(
        { group: 'scores', key: 'Ann', value: Buffer.from([1, 0, 2]), ttlMs: 5_000, ...ctx },
        call,
      );
      expect(set).toEqual({ expireAtMs: 1_005_000 });
      const got = await client.get({ group: 'scores', key: 'Ann', ...ctx }, call);
      expect([...got.value]).toEqual([1, 0, 2]);
    });

    it('deletes a key and says whether it was held', async () => {
      handler.put('gone', Buffer.from('x'));
      expect(await client.delete({ group: 'scores', key: 'gone', ...ctx }, call)).toEqual({ deleted: true });
      expect(await client.delete({ group: 'scores', key: 'gone', ...ctx }, call)).toEqual({ deleted: false });
    });

    it('hands the handler a normal delete as localOnly: false', async () => {
      handler.received.length = 0;
      await client.delete({ group: 'scores', key: 'k', ringVersion: 'v9', hops: 1 }, call);
      await client.delete({ group: 'scores', key: 'k', ...ctx, localOnly: false }, call);
      const requestId = expect.any(String);
      expect(handler.received).toEqual([
        { group: 'scores', key: 'k', ringVersion: 'v9', hops: 1, localOnly: false, requestId },
        { group: 'scores', key: 'k', ...ctx, localOnly: false, requestId },
      ]);
    });

    it('carries localOnly to the handler', async () => {
      handler.put('local', Buffer.from('x'));
      handler.received.length = 0;
      expect(await client.delete({ group: 'scores', key: 'local', ...ctx, localOnly: true }, call)).toEqual({
        deleted: true,
      });
      expect(handler.received).toEqual([
        { group: 'scores', key: 'local', ...ctx, localOnly: true, requestId: expect.any(String) },
      ]);
      expect(handler.has('local')).toBe(false);
    });
  });

  describe('SetMany and DeleteMany', () => {
    it('stores many entries in order, and drops many keys saying which were held', async () => {
      const entries = [
        { key: 'm1', value: Buffer.from([0, 1]), ttlMs: 5_000 },
        { key: 'm2', value: Buffer.alloc(0), ttlMs: 0 },
      ];
      expect(await client.setMany({ group: 'scores', entries, ...ctx }, call)).toEqual({
        results: [{ expireAtMs: 1_005_000 }, { expireAtMs: 0 }],
      });
      expect([...(await client.get({ group: 'scores', key: 'm1', ...ctx }, call)).value]).toEqual([0, 1]);
      handler.received.length = 0;
      const dropped = await client.deleteMany(
        { group: 'scores', keys: ['m1', 'none'], localOnly: true, ...ctx },
        call,
      );
      expect(dropped).toEqual({ results: [{ deleted: true }, { deleted: false }] });
      expect(handler.received).toEqual([
        { group: 'scores', keys: ['m1', 'none'], ...ctx, localOnly: true, requestId: expect.any(String) },
      ]);
    });
  });

  describe('Flush', () => {
    it('hands the handler group and generation, and answers the generation after the call', async () => {
      handler.received.length = 0;
      // Past 2^32, so a 32-bit mix-up would show.
      const generation = 1_700_000_000_123;
      expect(await client.flush({ group: 'scores', generation }, call)).toEqual({ generation });
      expect(await client.flush({ group: 'scores', generation: 7 }, call)).toEqual({ generation });
      expect(handler.received).toEqual([
        { group: 'scores', generation },
        { group: 'scores', generation: 7 },
      ]);
    });

    it('rejects an unknown group with UnknownGroupError, an empty one with InvalidArgumentError', async () => {
      const unknown = await failure(client.flush({ group: 'nope', generation: 1 }, call));
      expect(unknown).toBeInstanceOf(UnknownGroupError);
      expect(unknown).toMatchObject({ code: 'unknown_group', message: 'unknown group "nope"' });
      const empty = await failure(client.flush({ group: '', generation: 1 }, call));
      expect(empty).toBeInstanceOf(InvalidArgumentError);
      expect(empty.message).toBe('group must be a non-empty string');
    });

    it('rejects a node that does not serve it with UnimplementedError', async () => {
      const error = await failure(client.flush({ group: 'readonly', generation: 1 }, call));
      expect(error).toBeInstanceOf(UnimplementedError);
      expect(error.message).toBe('Flush is not served by this node');
    });
  });

  describe('Expire', () => {
    it('hands the handler every key intact and in order, and answers removed and scheduled', async () => {
      const now = 1_000_000;
      handler.put('due', Buffer.from('a'), now - 1);
      handler.put('soon', Buffer.from('b'), now + 500);
      handler.put('reset', Buffer.from('c'), now + 60_000); // set again since, expiring later: kept
      handler.received.length = 0;
      const keys = [
        { group: 'scores', key: 'due', expireAtMs: now - 1 },
        { group: 'scores', key: 'ünï/😀', expireAtMs: 1_700_000_000_123 },
        { group: 'scores', key: 'soon', expireAtMs: now + 500 },
        { group: 'scores', key: 'reset', expireAtMs: now - 1 },
      ];
      expect(await client.expire({ keys }, call)).toEqual({ removed: 1, scheduled: 1 });
      expect(handler.received).toEqual([{ keys }]);
      expect([handler.has('due'), handler.has('soon'), handler.has('reset')]).toEqual([false, true, true]);
    });

    it('sends an empty list as one', async () => {
      handler.received.length = 0;
      expect(await client.expire({ keys: [] }, call)).toEqual({ removed: 0, scheduled: 0 });
      expect(handler.received).toEqual([{ keys: [] }]);
    });

    it('rejects a key of an unknown group with UnknownGroupError', async () => {
      const error = await failure(
        client.expire(
          {
            keys: [
              { group: 'scores', key: 'a', expireAtMs: 1 },
              { group: 'nope', key: 'b', expireAtMs: 1 },
            ],
          },
          call,
        ),
      );
      expect(error).toBeInstanceOf(UnknownGroupError);
      expect(error).toMatchObject({
        code: 'unknown_group',
        message: 'unknown group "nope"',
        recoverable: false,
      });
    });

    it('rejects a key without a group with InvalidArgumentError', async () => {
      const error = await failure(client.expire({ keys: [{ group: '', key: 'a', expireAtMs: 1 }] }, call));
      expect(error).toBeInstanceOf(InvalidArgumentError);
    });
  });

  describe('errors reported by the server keep their class, code, message and recoverable flag', () => {
    it('unknown group', async () => {
      const error = await failure(client.get({ group: 'nope', key: 'k', ...ctx }, call));
      expect(error).toBeInstanceOf(UnknownGroupError);
      expect(error).toMatchObject({
        code: 'unknown_group',
        recoverable: false,
        message: 'unknown group "nope"',
      });
    });

    it('key too long (INVALID_ARGUMENT on the wire, key_too_long in the error)', async () => {
      const key = 'k'.repeat(FAKE_MAX_KEY_BYTES + 1);
      const error = await failure(client.get({ group: 'scores', key, ...ctx }, call));
      expect(error).toBeInstanceOf(KeyTooLongError);
      expect(error.code).toBe('key_too_long');
      expect(error.message).toBe(
        `key is ${FAKE_MAX_KEY_BYTES + 1} bytes, over the limit of ${FAKE_MAX_KEY_BYTES}`,
      );
    });

    it('empty key reaches the handler as "" and is rejected', async () => {
      const error = await failure(client.get({ group: 'scores', key: '', ...ctx }, call));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toBe('key must be a non-empty string');
    });

    it('load failed is recoverable', async () => {
      const error = await failure(client.get({ group: 'broken', key: 'k', ...ctx }, call));
      expect(error).toBeInstanceOf(LoadError);
      expect(error).toMatchObject({ code: 'load_failed', recoverable: true });
      expect(error.message).toBe('loading broken/k failed: connect ECONNREFUSED 127.0.0.1:3306');
    });

    it('load timeout keeps its code although the status is DEADLINE_EXCEEDED', async () => {
      const error = await failure(client.get({ group: 'slow', key: 'k', ...ctx }, call));
      expect(error).toBeInstanceOf(LoadTimeoutError);
      expect(error).toMatchObject({ code: 'load_timeout', recoverable: true });
    });

    it('unimplemented', async () => {
      const error = await failure(
        client.set({ group: 'readonly', key: 'k', value: Buffer.from('v'), ttlMs: 0, ...ctx }, call),
      );
      expect(error).toBeInstanceOf(UnimplementedError);
      expect(error.code).toBe('unimplemented');
    });

    it('an unexpected server error becomes internal without leaking its message or stack', async () => {
      const error = await failure(client.get({ group: 'buggy', key: 'k', ...ctx }, call));
      expect(error).toMatchObject({ code: 'internal', recoverable: false, message: 'internal error' });
    });

    it("leaves the process's Error.stackTraceLimit as it was, and its errors keep a stack", async () => {
      const before = Error.stackTraceLimit;
      // A unary call (the data calls go over the Calls stream).
      const error = await failure(client.flush({ group: 'nope', generation: 1 }, call));
      await client.get({ group: 'scores', key: 'Tom', ...ctx }, call);
      expect(Error.stackTraceLimit).toBe(before);
      expect(error.stack).toContain('fromServiceError');
    });

    it('an error in one GetMany key fails the call with that error', async () => {
      const key = 'k'.repeat(FAKE_MAX_KEY_BYTES + 1);
      const error = await failure(client.getMany({ group: 'scores', keys: ['a', key], ...ctx }, call));
      expect(error.code).toBe('key_too_long');
    });
  });
});
