import { credentials, makeGenericClientConstructor, status } from '@grpc/grpc-js';
import type { Client, ServiceDefinition, ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

import type { GetRequest } from '@ringcache/cache-core';
import { eventually, sleep, TcpProxy } from '@ringcache/testing';

import { FakePeerHandler } from '../test/fake-peer-handler';
import { rawCacheClient } from '../test/raw-cache-client';
import { startTestNode } from '../test/test-node';
import type { TestNode } from '../test/test-node';
import { GrpcPeerClient } from './grpc-peer-client';
import { grpcServerOptions } from './grpc-server-options';
import { RINGCACHE_CODE_METADATA } from './grpc-status';

const call = { deadlineMs: 5_000 };
const ctx = { ringVersion: '', hops: 0 };

type Unary = (request: unknown, callback: (error: ServiceError | null, response?: unknown) => void) => void;

/** Calls `method` of `client` and resolves with its response or its error. */
function invoke(
  client: Client,
  method: string,
  request: unknown,
): Promise<{ error?: ServiceError; response?: unknown }> {
  return new Promise((resolve) =>
    ((client as unknown as Record<string, Unary>)[method] as Unary).call(client, request, (error, response) =>
      resolve(error ? { error } : { response }),
    ),
  );
}

describe('the peer gRPC server (hybrid Nest app on Fastify)', () => {
  let handler: FakePeerHandler;
  let node: TestNode;
  let client: GrpcPeerClient;

  beforeAll(async () => {
    handler = new FakePeerHandler();
    handler.put('Tom', Buffer.from('630'));
    node = await startTestNode(handler);
    client = new GrpcPeerClient({ name: 'node', address: node.grpcAddress });
  });
  afterAll(async () => {
    await client.close();
    await node.close();
  });

  it('binds a free port when asked for port 0 and reports it, beside the HTTP listener', () => {
    expect(node.grpcPort).toBeGreaterThan(0);
    expect(node.httpPort).toBeGreaterThan(0);
    expect(node.grpcPort).not.toBe(node.httpPort);
  });

  describe('grpc.health.v1.Health', () => {
    let health: Client;
    beforeAll(() => {
      const Health = makeGenericClientConstructor(healthService as unknown as ServiceDefinition, 'Health');
      health = new Health(node.grpcAddress, credentials.createInsecure());
    });
    afterAll(() => health.close());

    it('answers SERVING for the server and for ringcache.v1.Cache', async () => {
      for (const service of ['', 'ringcache.v1.Cache']) {
        expect(await invoke(health, 'Check', { service })).toEqual({ response: { status: 'SERVING' } });
      }
    });

    it('answers NOT_SERVING once told so, and SERVING again after', async () => {
      node.health.setServing(false);
      expect(await invoke(health, 'Check', { service: 'ringcache.v1.Cache' })).toEqual({
        response: { status: 'NOT_SERVING' },
      });
      node.health.setServing(true);
      expect(await invoke(health, 'Check', { service: '' })).toEqual({ response: { status: 'SERVING' } });
    });

    it('answers NOT_FOUND for a service it does not serve', async () => {
      const { error } = await invoke(health, 'Check', { service: 'other.Service' });
      expect(error?.code).toBe(status.NOT_FOUND);
    });
  });

  describe('malformed requests come back INVALID_ARGUMENT', () => {
    let raw: Client;
    beforeAll(() => (raw = rawCacheClient(node.grpcAddress, ['Get', 'Flush', 'Expire'])));
    afterAll(() => raw.close());

    it('bytes that do not decode as a GetRequest', async () => {
      const { error } = await invoke(raw, 'Get', Buffer.from([0xff, 0xff, 0xff]));
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
      expect(error?.details).toMatch(/^malformed GetRequest: /);
      expect(error?.metadata.get(RINGCACHE_CODE_METADATA)).toEqual(['invalid_argument']);
    });

    it.each([
      ['Flush', 'FlushRequest'],
      ['Expire', 'ExpireRequest'],
    ])('bytes that do not decode as a %s request', async (method, messageName) => {
      const { error } = await invoke(raw, method, Buffer.from([0xff, 0xff, 0xff]));
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
      expect(error?.details).toMatch(new RegExp(`^malformed ${messageName}: `));
      expect(error?.metadata.get(RINGCACHE_CODE_METADATA)).toEqual(['invalid_argument']);
    });

    it('an ExpireRequest whose key list holds a truncated key', async () => {
      // keys (field 1) announcing 10 bytes of ExpiredKey, followed by only 2.
      const { error } = await invoke(raw, 'Expire', Buffer.from([0x0a, 10, 0x0a, 0x01]));
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
      expect(error?.details).toMatch(/^malformed ExpireRequest: /);
    });

    it('a FlushRequest without a group reaches the handler as "" and is rejected', async () => {
      const { error } = await invoke(raw, 'Flush', Buffer.from([0x10, 0x05])); // generation = 5 only
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
      expect(error?.details).toBe('group must be a non-empty string');
      expect(handler.received.at(-1)).toEqual({ group: '', generation: 5 });
    });

    it('a request without a group', async () => {
      const { error } = await invoke(raw, 'Get', Buffer.from([0x12, 0x01, 0x6b])); // key = "k" only
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
      expect(error?.details).toBe('group must be a non-empty string');
    });

    it('a key sent as a number (wrong wire type) reaches the handler as "" and is rejected', async () => {
      // group = "scores" (field 1), then field 2 as varint 5 instead of a string.
      const bytes = Buffer.concat([Buffer.from([0x0a, 6]), Buffer.from('scores'), Buffer.from([0x10, 0x05])]);
      const { error } = await invoke(raw, 'Get', bytes);
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
      expect(error?.details).toBe('key must be a non-empty string');
      expect(handler.received.at(-1)).toEqual<GetRequest>({
        group: 'scores',
        key: '',
        ringVersion: '',
        hops: 0,
        requestId: expect.any(String),
      });
    });
  });

  it('sends every call of one client over one TCP connection', async () => {
    const proxy = await TcpProxy.start(node.grpcAddress);
    const proxied = new GrpcPeerClient({ name: 'node', address: proxy.address });
    try {
      for (let i = 0; i < 50; i++) await proxied.get({ group: 'scores', key: 'Tom', ...ctx }, call);
      await Promise.all(
        Array.from({ length: 50 }, () =>
          proxied.getMany({ group: 'scores', keys: ['Tom', 'x'], ...ctx }, call),
        ),
      );
      expect(proxy.connections).toBe(1);
    } finally {
      await proxied.close();
      await proxy.stop();
    }
  });

  it('answers 1,000 concurrent Gets', async () => {
    const answers = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) =>
        client.get({ group: 'scores', key: i % 2 ? 'Tom' : `k${i}`, ...ctx }, call),
      ),
    );
    expect(answers.filter((a) => a.found)).toHaveLength(500);
    expect(
      answers.every((a) => (a.found ? Buffer.from(a.value).toString() === '630' : a.value.byteLength === 0)),
    ).toBe(true);
  });
});

describe('closing a node', () => {
  /** A Health.Watch stream of `service`, recording every status it is sent. */
  function watchHealth(address: string, service: string): { statuses: string[]; client: Client } {
    const Health = makeGenericClientConstructor(healthService as unknown as ServiceDefinition, 'Health');
    const client = new Health(address, credentials.createInsecure());
    const statuses: string[] = [];
    const stream = (client as unknown as Record<string, (r: unknown) => NodeJS.EventEmitter>)['Watch'].call(
      client,
      {
        service,
      },
    );
    stream.on('data', (m: { status: string }) => statuses.push(m.status));
    stream.on('error', () => undefined);
    return { statuses, client };
  }

  it('finishes promptly while a client still holds an idle connection', async () => {
    const node = await startTestNode(new FakePeerHandler());
    const client = new GrpcPeerClient({ name: 'node', address: node.grpcAddress });
    await client.get({ group: 'scores', key: 'k', ...ctx }, call);
    const started = performance.now();
    await node.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    const after = await client.get({ group: 'scores', key: 'k', ...ctx }, call).catch((e: unknown) => e);
    expect(after).toMatchObject({ code: 'peer_unavailable' });
    await client.close();
  });

  it('tells watchers NOT_SERVING, lets a call in flight finish, and cancels the rest after the grace period', async () => {
    const handler = new FakePeerHandler();
    const node = await startTestNode(handler, { shutdownGraceMs: 600 });
    const client = new GrpcPeerClient({ name: 'node', address: node.grpcAddress });
    const watch = watchHealth(node.grpcAddress, 'ringcache.v1.Cache');
    try {
      await eventually('a first health status', () => watch.statuses.length > 0, 2_000);
      const inFlight = client.get({ group: 'hang', key: 'k', ...ctx }, call);
      await sleep(50);

      const started = performance.now();
      const closed = node.close();
      setTimeout(() => handler.release(), 100);
      await expect(inFlight).resolves.toMatchObject({ found: false });
      await closed;
      // The open Watch stream holds the graceful stop until the grace period ends, and no longer.
      expect(performance.now() - started).toBeGreaterThanOrEqual(550);
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(watch.statuses).toEqual(['SERVING', 'NOT_SERVING']);
    } finally {
      watch.client.close();
      await client.close();
    }
  });
});

describe('grpcServerOptions', () => {
  it('describes a gRPC microservice for ringcache.v1 with large messages allowed', () => {
    const { options } = grpcServerOptions({ url: '0.0.0.0:8001', handler: new FakePeerHandler() });
    expect(options).toMatchObject({
      url: '0.0.0.0:8001',
      package: 'ringcache.v1',
      maxReceiveMessageLength: 16 * 1024 * 1024,
      maxSendMessageLength: 16 * 1024 * 1024,
      gracefulShutdown: true,
      loader: { keepCase: false, longs: Number, defaults: true },
    });
    expect(options.protoPath).toMatch(/ringcache\.proto$/);
  });

  it.each([
    [{ url: '8001' }, 'grpcServerOptions option url must be host:port, got "8001"'],
    [{ url: 'http://a:1' }, 'grpcServerOptions option url must be host:port, got "http://a:1"'],
    [
      { url: 'a:1', maxMessageBytes: 0 },
      'grpcServerOptions option maxMessageBytes must be a positive integer, got 0',
    ],
    [
      { url: 'a:1', shutdownGraceMs: -1 },
      'grpcServerOptions option shutdownGraceMs must be an integer >= 0, got -1',
    ],
  ])('rejects %j', (options, message) => {
    expect(() => grpcServerOptions({ ...options, handler: new FakePeerHandler() })).toThrow(message);
  });

  it('rejects a missing handler', () => {
    expect(() => grpcServerOptions({ url: 'a:1' } as never)).toThrow(
      'grpcServerOptions option handler must be a PeerHandler',
    );
  });
});
