import type { ServerDuplexStream, UntypedServiceImplementation } from '@grpc/grpc-js';

import {
  InFlightLimiter,
  KeyTooLongError,
  OverloadedError,
  PeerUnavailableError,
  UnknownGroupError,
} from '@ringcache/cache-core';
import type * as pb from '@ringcache/proto';
import { eventually } from '@ringcache/testing';

import { call, ctx, quiet, streamOnly, useStreamPeers } from '../test/call-stream.fixtures';
import { failure } from '../test/failure';
import { FakePeerHandler } from '../test/fake-peer-handler';
import { cacheServiceHandlers } from './cache-service';
import { GrpcPeerClient } from './grpc-peer-client';

describe('data calls over the Calls stream', () => {
  const { cleanups, client, node } = useStreamPeers();

  it('carries Get, Set, SetMany, Delete and DeleteMany, each answered as its unary method answers', async () => {
    const handler = new FakePeerHandler(() => 1_000);
    const c = client((await node(handler)).port);
    const value = Buffer.from('v');
    expect(await c.set({ group: 'scores', key: 'a', value, ttlMs: 500, ...ctx }, call)).toEqual({
      expireAtMs: 1_500,
    });
    expect(await c.get({ group: 'scores', key: 'a', ...ctx }, call)).toEqual({
      found: true,
      value,
      expireAtMs: 1_500,
    });
    expect(await c.get({ group: 'scores', key: 'none', ...ctx }, call)).toMatchObject({ found: false });
    const entries = [
      { key: 'b', value, ttlMs: 0 },
      { key: 'c', value: Buffer.alloc(0), ttlMs: 0 },
    ];
    expect(await c.setMany({ group: 'scores', entries, ...ctx }, call)).toEqual({
      results: [{ expireAtMs: 0 }, { expireAtMs: 0 }],
    });
    expect(await c.delete({ group: 'scores', key: 'a', localOnly: true, ...ctx }, call)).toEqual({
      deleted: true,
    });
    expect(await c.delete({ group: 'scores', key: 'a', ...ctx }, call)).toEqual({ deleted: false });
    expect(await c.deleteMany({ group: 'scores', keys: ['b', 'x', 'c'], ...ctx }, call)).toEqual({
      results: [{ deleted: true }, { deleted: false }, { deleted: true }],
    });
    expect(handler.received).toHaveLength(7);
    expect(handler.received[4]).toMatchObject({ key: 'a', localOnly: true });
  });

  it('rebuilds an answered error into the class, code and message the unary call gives', async () => {
    const handler = new FakePeerHandler();
    const { port } = await node(handler, cacheServiceHandlers(handler, quiet));
    const stream = client(port);
    const unary = new GrpcPeerClient({ name: 'node1', address: `127.0.0.1:${port}`, streamCalls: false });
    cleanups.push(() => unary.close());
    const value = Buffer.from('v');
    const calls: ((c: GrpcPeerClient) => Promise<unknown>)[] = [
      (c) => c.get({ group: 'broken', key: 'k', ...ctx }, call),
      (c) => c.get({ group: 'slow', key: 'k', ...ctx }, call),
      (c) => c.get({ group: 'buggy', key: 'k', ...ctx }, call),
      (c) => c.set({ group: 'nope', key: 'k', value, ttlMs: 0, ...ctx }, call),
      (c) => c.set({ group: 'scores', key: 'k'.repeat(40), value, ttlMs: 0, ...ctx }, call),
      (c) => c.setMany({ group: 'readonly', entries: [{ key: 'k', value, ttlMs: 0 }], ...ctx }, call),
      (c) => c.delete({ group: 'scores', key: '', ...ctx }, call),
      (c) => c.deleteMany({ group: 'nope', keys: ['k'], ...ctx }, call),
    ];
    for (const start of calls) {
      const [viaStream, viaUnary] = [await failure(start(stream)), await failure(start(unary))];
      expect({ class: viaStream.constructor, code: viaStream.code, message: viaStream.message }).toEqual({
        class: viaUnary.constructor,
        code: viaUnary.code,
        message: viaUnary.message,
      });
    }
    // LoadError names the group and key. Every call reached the node: 16 in the loop (each over the
    // stream and unary), and this one.
    expect((await failure(calls[0](stream))).message).toMatch(/broken/);
    expect(handler.received).toHaveLength(17);
  });

  it('answers concurrent calls, each with its own keys, over the stream', async () => {
    const handler = new FakePeerHandler();
    for (let i = 0; i < 100; i++) handler.put(`k${i}`, Buffer.from(`v${i}`));
    const c = client((await node(handler)).port);
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        c.getMany({ group: 'scores', keys: [`k${i}`, 'missing', `k${(i + 1) % 100}`], ...ctx }, call),
      ),
    );
    answers.forEach(({ results }, i) =>
      expect(results.map((r) => (r.found ? Buffer.from(r.value).toString() : null))).toEqual([
        `v${i}`,
        null,
        `v${(i + 1) % 100}`,
      ]),
    );
    expect(handler.received).toHaveLength(100);
  });

  it('fails a call with its own error, rebuilt as the unary call would be, and the others still answer', async () => {
    const handler = new FakePeerHandler();
    handler.put('a', Buffer.from('A'));
    const c = client((await node(handler)).port);
    const [long, unknown, good] = await Promise.allSettled([
      c.getMany({ group: 'scores', keys: ['a', 'x'.repeat(40)], ...ctx }, call),
      c.getMany({ group: 'nope', keys: ['a'], ...ctx }, call),
      c.getMany({ group: 'scores', keys: ['a'], ...ctx }, call),
    ]);
    expect(long).toMatchObject({ status: 'rejected', reason: expect.any(KeyTooLongError) });
    expect(unknown).toMatchObject({ status: 'rejected', reason: expect.any(UnknownGroupError) });
    expect((unknown as PromiseRejectedResult).reason.message).toMatch(/nope/);
    expect(good).toMatchObject({ status: 'fulfilled', value: { results: [{ found: true }] } });
    // An empty list is the handler's error too, and the stream goes on.
    expect((await failure(c.getMany({ group: 'scores', keys: [], ...ctx }, call))).code).toBe(
      'invalid_argument',
    );
    expect((await c.getMany({ group: 'scores', keys: ['a'], ...ctx }, call)).results[0].found).toBe(true);
  });

  it('fails a call past its deadline as unreachable, and serves the next call on the same stream', async () => {
    const handler = new FakePeerHandler();
    handler.put('a', Buffer.from('A'));
    const c = client((await node(handler)).port);
    cleanups.push(() => handler.release());
    const started = performance.now();
    const error = await failure(c.getMany({ group: 'hang', keys: ['h'], ...ctx }, { deadlineMs: 300 }));
    expect(error).toBeInstanceOf(PeerUnavailableError);
    expect(error.message).toMatch(/DEADLINE_EXCEEDED/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect((await c.getMany({ group: 'scores', keys: ['a'], ...ctx }, call)).results[0].found).toBe(true);
  });

  it('takes an answer that came in time but was still unread when the deadline passed', async () => {
    const answering: UntypedServiceImplementation = {
      Calls: (stream: ServerDuplexStream<pb.CallRequest__Output, pb.CallResponse>) => {
        stream.on('data', (m: pb.CallRequest__Output) => {
          const answer = {
            id: m.id,
            get: { found: true, value: Buffer.from(m.get?.key ?? ''), expireAtMs: 0 },
          };
          // Once the answer is handed to the connection, this process's event loop is held past the call's
          // deadline, so its timer is due before the client's socket is read.
          stream.write(answer, () => {
            const until = performance.now() + 300;
            while (m.get?.key === 'held' && performance.now() < until);
          });
        });
      },
    };
    const c = client((await node(new FakePeerHandler(), answering)).port);
    expect((await c.get({ group: 'g', key: 'first', ...ctx }, call)).value.toString()).toBe('first');
    const answer = await c.get({ group: 'g', key: 'held', ...ctx }, { deadlineMs: 100 });
    expect(answer.value.toString()).toBe('held');
  });

  it('answers overloaded past the node in-flight bound, per call', async () => {
    const handler = new FakePeerHandler();
    handler.put('a', Buffer.from('A'));
    const c = client((await node(handler, streamOnly(handler, new InFlightLimiter({ max: 1 })))).port);
    const held = c.getMany({ group: 'hang', keys: ['h'], ...ctx }, call);
    await eventually('the first call held', () => handler.received.length === 1);
    expect(await failure(c.getMany({ group: 'scores', keys: ['a'], ...ctx }, call))).toBeInstanceOf(
      OverloadedError,
    );
    handler.release();
    await held;
    expect((await c.getMany({ group: 'scores', keys: ['a'], ...ctx }, call)).results[0].found).toBe(true);
  });
});
