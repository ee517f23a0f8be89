import { credentials, loadPackageDefinition } from '@grpc/grpc-js';

import { PeerUnavailableError } from '@ringcache/cache-core';
import { loadRingcacheProto, type ProtoGrpcType } from '@ringcache/proto';
import { eventually } from '@ringcache/testing';

import { call, ctx, serve, streamOnly, useStreamPeers } from '../test/call-stream.fixtures';
import { failure } from '../test/failure';
import { FakePeerHandler } from '../test/fake-peer-handler';
import { startTestNode } from '../test/test-node';

describe('data calls over the Calls stream', () => {
  const { cleanups, client, node } = useStreamPeers();

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
});
