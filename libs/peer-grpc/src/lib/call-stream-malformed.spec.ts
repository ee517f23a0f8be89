import { credentials, loadPackageDefinition, makeGenericClientConstructor, status } from '@grpc/grpc-js';
import type { ClientDuplexStream, ServerDuplexStream, ServiceError } from '@grpc/grpc-js';

import { loadRingcacheProto, type ProtoGrpcType } from '@ringcache/proto';
import { eventually } from '@ringcache/testing';

import { call, ctx, serve, useStreamPeers } from '../test/call-stream.fixtures';
import { failure } from '../test/failure';
import { FakePeerHandler } from '../test/fake-peer-handler';
import { startTestNode } from '../test/test-node';

describe('data calls over the Calls stream', () => {
  const { cleanups, client, node } = useStreamPeers();

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
});
