import { credentials, loadPackageDefinition, Metadata } from '@grpc/grpc-js';
import type { ClientDuplexStream, ServerDuplexStream, UntypedServiceImplementation } from '@grpc/grpc-js';

import { eventually } from '@ringcache/testing';
import { loadRingcacheProto, type ProtoGrpcType } from '@ringcache/proto';
import type * as pb from '@ringcache/proto';

import { call, ctx, streamOnly, useStreamPeers } from '../test/call-stream.fixtures';
import { FakePeerHandler } from '../test/fake-peer-handler';
import { PACKS_HEADER } from './message-packer';

type Raw = ClientDuplexStream<pb.CallRequest, pb.CallResponse__Output>;

/** Calls of a stream packed as one message: the first carrying the others in `more`. */
const packed = (calls: pb.CallRequest[]): pb.CallRequest => ({ ...calls[0], more: calls.slice(1) });
const getCall = (id: number, key: string): pb.CallRequest => ({ id, get: { group: 'scores', key } });

describe('packs on the Calls stream', () => {
  const { cleanups, client, node } = useStreamPeers();

  /** A Calls stream opened by hand, saying it reads packs or not; what it receives, as it comes. */
  function rawStream(port: number, readsPacks: boolean) {
    const proto = loadPackageDefinition(loadRingcacheProto()) as unknown as ProtoGrpcType;
    const raw = new proto.ringcache.v1.Cache(`127.0.0.1:${port}`, credentials.createInsecure());
    cleanups.push(() => raw.close());
    const metadata = new Metadata();
    if (readsPacks) metadata.set(PACKS_HEADER, '1');
    const stream: Raw = raw.Calls(metadata);
    cleanups.push(() => stream.cancel());
    const messages: pb.CallResponse__Output[] = [];
    const headers = new Promise<Metadata>((resolve) => stream.on('metadata', resolve));
    stream.on('data', (m: pb.CallResponse__Output) => messages.push(m));
    stream.on('error', () => undefined);
    const ended = new Promise((resolve) => stream.on('end', resolve));
    /** Every answer received, packed ones included, in the order they came. */
    const answers = () => messages.flatMap((m) => [m, ...m.more]);
    return { stream, messages, headers, answers, ended };
  }

  /** The node's handlers, noting how many calls each Calls message it receives carries. */
  function counting(handler: FakePeerHandler): { handlers: UntypedServiceImplementation; sizes: number[] } {
    const sizes: number[] = [];
    const handlers = streamOnly(handler);
    const calls = handlers['Calls'] as (c: ServerDuplexStream<object, object>) => void;
    handlers['Calls'] = (c: ServerDuplexStream<object, object>) => {
      c.on('data', (m: pb.CallRequest__Output) => sizes.push(1 + m.more.length));
      calls(c);
    };
    return { handlers, sizes };
  }

  it('a node answers a caller that reads packs with its header, and the calls of a turn in fewer messages', async () => {
    const handler = new FakePeerHandler();
    for (let i = 1; i <= 16; i++) handler.put(`k${i}`, Buffer.from(`v${i}`));
    const { port } = await node(handler);
    const { stream, messages, headers, answers } = rawStream(port, true);
    stream.write(packed(Array.from({ length: 16 }, (_, i) => getCall(i + 1, `k${i + 1}`))));
    expect((await headers).get(PACKS_HEADER)).toEqual(['1']);
    await eventually('16 answers', () => answers().length === 16);
    expect(answers().map((a) => [a.id, a.get?.value.toString()])).toEqual(
      Array.from({ length: 16 }, (_, i) => [i + 1, `v${i + 1}`]),
    );
    expect(messages.length).toBeLessThan(16);
    // A pack carries no packs of its own.
    expect(messages.flatMap((m) => m.more).every((a) => a.more.length === 0)).toBe(true);
  });

  it('a node reads packed calls from any caller, and answers one that does not read packs one by one', async () => {
    const handler = new FakePeerHandler();
    handler.put('a', Buffer.from('A'));
    const { port } = await node(handler);
    const { stream, messages, headers, answers } = rawStream(port, false);
    stream.write(packed([getCall(1, 'a'), getCall(2, 'b'), getCall(3, 'a')]));
    await eventually('3 answers', () => answers().length === 3);
    expect(messages.map((m) => [m.id, m.get?.found, m.more.length])).toEqual([
      [1, true, 0],
      [2, false, 0],
      [3, true, 0],
    ]);
    expect((await headers).get(PACKS_HEADER)).toEqual([]);
  });

  it('refuses a packed call that carries calls of its own, and answers the others', async () => {
    const handler = new FakePeerHandler();
    handler.put('a', Buffer.from('A'));
    const { port } = await node(handler);
    const { stream, answers } = rawStream(port, true);
    const nested = { ...getCall(2, 'a'), more: [getCall(3, 'a')] };
    stream.write(packed([getCall(1, 'a'), nested, getCall(4, 'a')]));
    await eventually('3 answers', () => answers().length === 3);
    const byId = new Map(answers().map((a) => [a.id, a]));
    expect(byId.get(1)?.get?.found).toBe(true);
    expect(byId.get(4)?.get?.found).toBe(true);
    expect(byId.get(2)).toMatchObject({ errorCode: 'invalid_argument' });
    expect(byId.get(2)?.errorMessage).toMatch(/calls of its own/);
    expect(byId.has(3)).toBe(false);
  });

  it('answers every call of a packing caller that half-closed, then ends the stream', async () => {
    const handler = new FakePeerHandler();
    const { port } = await node(handler);
    const { stream, answers, ended } = rawStream(port, true);
    stream.write(packed([{ id: 7, getMany: { group: 'hang', keys: ['h'] } }, getCall(8, 'x')]));
    stream.end();
    await eventually('both calls reached the node', () => handler.received.length === 2);
    setTimeout(() => handler.release(), 100);
    await ended;
    expect(answers().map((a) => a.id)).toEqual([8, 7]);
  });

  it('the peer client packs the calls made together once the node says it reads packs', async () => {
    const handler = new FakePeerHandler();
    const { handlers, sizes } = counting(handler);
    const { port } = await node(handler, handlers);
    const c = client(port);
    // The stream opens with the first call; the node's headers come with its answer.
    await c.set({ group: 'scores', key: 'first', value: Buffer.from('1'), ttlMs: 0, ...ctx }, call);
    const keys = Array.from({ length: 64 }, (_, i) => `k${i}`);
    const value = (key: string) => Buffer.from(`value of ${key}`);
    await Promise.all(
      keys.map((key) => c.set({ group: 'scores', key, value: value(key), ttlMs: 0, ...ctx }, call)),
    );
    const read = await Promise.all(keys.map((key) => c.get({ group: 'scores', key, ...ctx }, call)));
    expect(read.map((r) => r.value.toString())).toEqual(keys.map((key) => value(key).toString()));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1 + 64 + 64);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
  });

  it('the peer client sends no packs to a node that does not say it reads them', async () => {
    const sizes: number[] = [];
    // A node from before packs: it answers each call alone and sends no header.
    const older: UntypedServiceImplementation = {
      Calls: (c: ServerDuplexStream<pb.CallRequest__Output, pb.CallResponse>) => {
        c.on('data', (m: pb.CallRequest__Output) => {
          sizes.push(1 + m.more.length);
          c.write({ id: m.id, get: { found: true, value: Buffer.from(`v${m.id}`), expireAtMs: 0 } });
        });
        c.on('end', () => c.end());
      },
    };
    const { port } = await node(new FakePeerHandler(), older);
    const c = client(port);
    await c.get({ group: 'scores', key: 'first', ...ctx }, call);
    const read = await Promise.all(
      Array.from({ length: 32 }, (_, i) => c.get({ group: 'scores', key: `k${i}`, ...ctx }, call)),
    );
    expect(read.every((r) => r.found)).toBe(true);
    expect(sizes).toEqual(new Array(33).fill(1));
  });
});
