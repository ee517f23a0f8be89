import {
  credentials,
  loadPackageDefinition,
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  status,
} from '@grpc/grpc-js';
import type {
  ClientDuplexStream,
  ServerDuplexStream,
  ServiceError,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';

import {
  InFlightLimiter,
  KeyTooLongError,
  OverloadedError,
  PeerUnavailableError,
  UnknownGroupError,
} from '@ringcache/cache-core';
import { loadRingcacheProto, type ProtoGrpcType } from '@ringcache/proto';
import { eventually } from '@ringcache/testing';

import { FakePeerHandler } from '../test/fake-peer-handler';
import { failure } from '../test/failure';
import { startTestNode } from '../test/test-node';
import { cacheServiceHandlers } from './cache-service';
import { GrpcPeerClient } from './grpc-peer-client';

const ctx = { ringVersion: '', hops: 0 };
const call = { deadlineMs: 5_000 };
const quiet = { error: () => undefined, warn: () => undefined };

/** A plain grpc-js server of the Cache service with `handlers`, on `port` (0: a free one). */
async function serve(
  handlers: UntypedServiceImplementation,
  port = 0,
): Promise<{ server: Server; port: number }> {
  const proto = loadPackageDefinition(loadRingcacheProto()) as unknown as ProtoGrpcType;
  const server = new Server();
  server.addService(proto.ringcache.v1.Cache.service, handlers);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { server, port: bound };
}

/** The node's handlers, except that the unary data methods fail: a call that succeeds went over Calls. */
function streamOnly(handler: FakePeerHandler, inFlight?: InFlightLimiter): UntypedServiceImplementation {
  const refused = (name: string) => (_call: unknown, done: (error: object) => void) =>
    done({ code: status.FAILED_PRECONDITION, details: `unary ${name} used` });
  const unaryData = ['Get', 'GetMany', 'Set', 'SetMany', 'Delete', 'DeleteMany'];
  return {
    ...cacheServiceHandlers(handler, quiet, inFlight),
    ...Object.fromEntries(unaryData.map((name) => [name, refused(name)])),
  };
}

describe('data calls over the Calls stream', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function client(port: number, name = 'node1'): GrpcPeerClient {
    const c = new GrpcPeerClient({ name, address: `127.0.0.1:${port}` });
    cleanups.push(() => c.close());
    return c;
  }

  async function node(handler: FakePeerHandler, handlers = streamOnly(handler)) {
    const { server, port } = await serve(handlers);
    cleanups.push(() => server.forceShutdown());
    return { server, port };
  }

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
    // LoadError names the group and key; the unary call reached the node too, so 16 calls in all.
    expect((await failure(calls[0](stream))).message).toMatch(/broken/);
    expect(handler.received).toHaveLength(17);
  });

  it('sends a value over 64 KiB as a unary Set, so it never holds up the stream', async () => {
    const handler = new FakePeerHandler();
    const c = client((await node(handler)).port);
    const big = Buffer.alloc(64 * 1024 + 1);
    expect(
      (await failure(c.set({ group: 'scores', key: 'a', value: big, ttlMs: 0, ...ctx }, call))).message,
    ).toMatch(/unary Set used/);
    const entries = [0, 1].map((i) => ({ key: `k${i}`, value: Buffer.alloc(32 * 1024 + 1), ttlMs: 0 }));
    expect((await failure(c.setMany({ group: 'scores', entries, ...ctx }, call))).message).toMatch(
      /unary SetMany used/,
    );
    const small = Buffer.alloc(64 * 1024);
    expect(await c.set({ group: 'scores', key: 'a', value: small, ttlMs: 0, ...ctx }, call)).toEqual({
      expireAtMs: 0,
    });
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

  it('fails the calls waiting on a peer that stops at once, and reaches it again once it is back', async () => {
    const handler = new FakePeerHandler();
    handler.put('a', Buffer.from('A'));
    const { server, port } = await serve(streamOnly(handler));
    const c = client(port);
    expect((await c.getMany({ group: 'scores', keys: ['a'], ...ctx }, call)).results[0].found).toBe(true);
    const waiting = c.getMany({ group: 'hang', keys: ['h'], ...ctx }, call);
    await eventually('the call held', () => handler.received.length === 2);
    const started = performance.now();
    server.forceShutdown();
    const error = await failure(waiting);
    expect(error).toBeInstanceOf(PeerUnavailableError);
    expect(performance.now() - started).toBeLessThan(2_500);
    handler.release();

    const back = await serve(streamOnly(handler), port);
    cleanups.push(() => back.server.forceShutdown());
    await eventually(
      'answered by the restarted peer',
      async () =>
        (await c.getMany({ group: 'scores', keys: ['a'], ...ctx }, call).catch(() => undefined))?.results[0]
          .found === true,
      10_000,
    );
  });

  it("does not hold a node's graceful shutdown: a call in progress is answered, then the stream ends", async () => {
    const handler = new FakePeerHandler();
    handler.put('a', Buffer.from('A'));
    const node = await startTestNode(handler, { shutdownGraceMs: 10_000 });
    const c = client(node.grpcPort);
    expect((await c.getMany({ group: 'scores', keys: ['a'], ...ctx }, call)).results[0].found).toBe(true);
    const held = c.getMany({ group: 'hang', keys: ['h'], ...ctx }, call);
    await eventually('the call held', () => handler.received.length === 2);
    const started = performance.now();
    const closed = node.close();
    setTimeout(() => handler.release(), 200);
    expect((await held).results).toEqual([{ found: false, value: Buffer.alloc(0), expireAtMs: 0 }]);
    await closed;
    // Well under the 10 s grace: the open stream ended as soon as its call was answered.
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(await failure(c.getMany({ group: 'scores', keys: ['a'], ...ctx }, call))).toBeInstanceOf(
      PeerUnavailableError,
    );
  });

  it('answers the calls of a caller that half-closed its stream, then ends it', async () => {
    const handler = new FakePeerHandler();
    const { port } = await node(handler);
    const proto = loadPackageDefinition(loadRingcacheProto()) as unknown as ProtoGrpcType;
    const raw = new proto.ringcache.v1.Cache(`127.0.0.1:${port}`, credentials.createInsecure());
    cleanups.push(() => raw.close());
    const stream = raw.Calls();
    const answers: unknown[] = [];
    stream.on('data', (m) => answers.push(m));
    const ended = new Promise((resolve) => stream.on('end', resolve));
    stream.write({ id: 7, getMany: { group: 'hang', keys: ['h'] } });
    stream.write({ id: 8, get: { group: 'scores', key: 'x' } });
    stream.end();
    await eventually('both calls reached the node', () => handler.received.length === 2);
    setTimeout(() => handler.release(), 100);
    await ended;
    expect(answers).toEqual([
      expect.objectContaining({ id: 8, errorCode: '', answer: 'get' }),
      expect.objectContaining({
        id: 7,
        errorCode: '',
        getMany: { results: [expect.objectContaining({ found: false })] },
      }),
    ]);
  });

  it('answers a message that names no call invalid_argument, and the stream goes on', async () => {
    const handler = new FakePeerHandler();
    handler.put('a', Buffer.from('A'));
    const { port } = await node(handler);
    const proto = loadPackageDefinition(loadRingcacheProto()) as unknown as ProtoGrpcType;
    const raw = new proto.ringcache.v1.Cache(`127.0.0.1:${port}`, credentials.createInsecure());
    cleanups.push(() => raw.close());
    const stream = raw.Calls();
    const answers: { id: number; errorCode: string; answer?: string }[] = [];
    stream.on('data', (m) => answers.push(m));
    stream.on('error', () => undefined); // The cancel below.
    stream.write({ id: 1 });
    stream.write({ id: 2, get: { group: 'scores', key: 'a' } });
    await eventually('both answered', () => answers.length === 2);
    expect(answers).toEqual([
      expect.objectContaining({
        id: 1,
        errorCode: 'invalid_argument',
        errorMessage: expect.stringMatching(/no call/),
      }),
      expect.objectContaining({ id: 2, errorCode: '', answer: 'get' }),
    ]);
    stream.cancel();
  });

  it('ends a stream whose message cannot be decoded with INVALID_ARGUMENT, and serves new streams', async () => {
    const handler = new FakePeerHandler();
    handler.put('a', Buffer.from('A'));
    const node = await startTestNode(handler);
    cleanups.push(() => node.close());
    const bytes = (b: Buffer) => b;
    const Raw = makeGenericClientConstructor(
      {
        Calls: {
          path: '/ringcache.v1.Cache/Calls',
          requestStream: true,
          responseStream: true,
          requestSerialize: bytes,
          requestDeserialize: bytes,
          responseSerialize: bytes,
          responseDeserialize: bytes,
        },
      },
      'Cache',
    );
    const raw = new Raw(node.grpcAddress, credentials.createInsecure());
    cleanups.push(() => raw.close());
    const stream = (raw as unknown as { Calls: () => ClientDuplexStream<Buffer, Buffer> }).Calls();
    const ended = new Promise<ServiceError>((resolve) => stream.on('error', resolve));
    stream.write(Buffer.from([0x0a, 0xff, 0xff])); // field 1 as length-delimited, with a length past the end
    const error = await ended;
    expect({ code: error.code, details: error.details }).toEqual({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/^malformed CallRequest/),
    });
    const c = client(node.grpcPort);
    expect((await c.get({ group: 'scores', key: 'a', ...ctx }, call)).found).toBe(true);
  });

  it('fails a call answered with the wrong member or an unknown code as internal', async () => {
    const answers = [{ set: { expireAtMs: 1 } }, { errorCode: 'no_such_code', errorMessage: 'odd' }];
    const { server, port } = await serve({
      Calls: (stream: ServerDuplexStream<{ id: number }, object>) => {
        stream.on('data', (m) => stream.write({ id: m.id, ...answers[m.id - 1] }));
        stream.on('error', () => undefined);
      },
    });
    cleanups.push(() => server.forceShutdown());
    const c = client(port);
    const wrong = await failure(c.get({ group: 'scores', key: 'a', ...ctx }, call));
    expect({ code: wrong.code, message: wrong.message }).toEqual({
      code: 'internal',
      message: 'Get on peer node1 failed: malformed answer: set to a Get',
    });
    const unknown = await failure(c.get({ group: 'scores', key: 'a', ...ctx }, call));
    expect(unknown.message).toMatch(/unknown error code "no_such_code": odd/);
  });

  it('sends unary calls to a peer that does not serve Calls, the first ones too', async () => {
    const handler = new FakePeerHandler();
    handler.put('a', Buffer.from('A'));
    const { Calls: _, ...older } = cacheServiceHandlers(handler, quiet);
    const c = client((await node(handler, older)).port);
    const answers = await Promise.all([
      ...Array.from({ length: 4 }, () => c.getMany({ group: 'scores', keys: ['a'], ...ctx }, call)),
      c.get({ group: 'scores', key: 'a', ...ctx }, call).then((r) => ({ results: [r] })),
    ]);
    expect(answers.map((a) => a.results[0].found)).toEqual([true, true, true, true, true]);
    expect(await c.delete({ group: 'scores', key: 'a', ...ctx }, call)).toEqual({ deleted: true });
    expect(handler.received).toHaveLength(6);
  });

  it('goes unary when asked to, and for a call the stream cannot carry', async () => {
    const handler = new FakePeerHandler();
    handler.put('a', Buffer.from('A'));
    const { port } = await node(handler);
    const unary = new GrpcPeerClient({ name: 'node1', address: `127.0.0.1:${port}`, streamCalls: false });
    cleanups.push(() => unary.close());
    // This server refuses unary GetMany: the client that was told so used it.
    expect((await failure(unary.getMany({ group: 'scores', keys: ['a'], ...ctx }, call))).message).toMatch(
      /unary GetMany used/,
    );
    const c = client(port);
    expect((await failure(c.getMany({ group: 'scores', keys: ['a'], ...ctx }, { deadlineMs: 0 }))).code).toBe(
      'invalid_argument',
    );
    // A field of the wrong type would fail the stream's encoding: the call goes unary (refused here).
    const badKey = { group: 'scores', key: 7 as unknown as string, ...ctx };
    expect((await failure(c.get(badKey, call))).message).toMatch(/unary Get used/);
    // The stream still serves the calls that fit it.
    expect((await c.get({ group: 'scores', key: 'a', ...ctx }, call)).found).toBe(true);
  });
});
