import { call, ctx, quiet, useStreamPeers } from '../test/call-stream.fixtures';
import { failure } from '../test/failure';
import { FakePeerHandler } from '../test/fake-peer-handler';
import { cacheServiceHandlers } from './cache-service';
import { GrpcPeerClient } from './grpc-peer-client';

describe('data calls over the Calls stream', () => {
  const { cleanups, client, node } = useStreamPeers();

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
