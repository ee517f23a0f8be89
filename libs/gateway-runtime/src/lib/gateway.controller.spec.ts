import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { listeningPort, startHttpApp } from '@ringcache/app-shell';
import {
  ClusterRouter,
  PeerSet,
  UnknownGroupError,
  type CallOptions,
  type DeleteManyRequest,
  type DeleteRequest,
  type FlushRequest,
  type GetManyRequest,
  type GetRequest,
  type GetResponse,
  type PeerClient,
  type SetManyRequest,
  type SetRequest,
} from '@ringcache/cache-core';

import { gatewayBodyParsers } from './body-parsers';
import { GatewayExceptionFilter } from './gateway-exception.filter';
import { GatewayController } from './gateway.controller';
import { GATEWAY_DISCOVERY, GATEWAY_LIMITS, GATEWAY_NEAR, GATEWAY_PEERS } from './tokens';

/** One node holding a map, answering every key. */
class MapNode implements PeerClient {
  readonly name = 'node1';
  readonly rows = new Map<string, { value: Buffer; expireAtMs: number; stale?: boolean }>();
  sets: SetRequest[] = [];
  /** The request id each call was sent with (a GetMany's own gets are not calls). */
  requestIds: (string | undefined)[] = [];
  async get(request: GetRequest, options?: CallOptions): Promise<GetResponse> {
    if (options) this.requestIds.push(options.requestId);
    if (request.group !== 'scores') throw new UnknownGroupError(request.group);
    const row = this.rows.get(request.key);
    return row ? { found: true, ...row } : { found: false, value: Buffer.alloc(0), expireAtMs: 7 };
  }
  async getMany(request: GetManyRequest, options?: CallOptions) {
    this.requestIds.push(options?.requestId);
    return { results: await Promise.all(request.keys.map((key) => this.get({ ...request, key }))) };
  }
  async set(request: SetRequest, options?: CallOptions) {
    this.requestIds.push(options?.requestId);
    this.sets.push(request);
    this.rows.set(request.key, {
      value: Buffer.from(request.value),
      expireAtMs: request.ttlMs ? 1_000 + request.ttlMs : 0,
    });
    return { expireAtMs: request.ttlMs ? 1_000 + request.ttlMs : 0 };
  }
  async delete(request: DeleteRequest, options?: CallOptions) {
    this.requestIds.push(options?.requestId);
    return { deleted: this.rows.delete(request.key) };
  }
  async setMany(request: SetManyRequest, options?: CallOptions) {
    const results = [];
    for (const entry of request.entries) results.push(await this.set({ ...request, ...entry }, options));
    return { results };
  }
  async deleteMany(request: DeleteManyRequest, options?: CallOptions) {
    const results = [];
    for (const key of request.keys) results.push(await this.delete({ ...request, key }, options));
    return { results };
  }
  async flush(request: FlushRequest, options?: CallOptions) {
    this.requestIds.push(options?.requestId);
    return { generation: request.generation };
  }
  expire = () => Promise.reject(new Error('unused'));
  close = async () => undefined;
}

describe('GatewayController over HTTP', () => {
  const node = new MapNode();
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    const peers = new PeerSet({ connect: () => node });
    peers.update([{ name: 'node1', grpcAddress: 'h:1', httpAddress: 'h:2' }]);
    const router = new ClusterRouter({
      peers,
      deadlineMs: 1_000,
      maxKeyBytes: 16,
      nextGeneration: async () => 9,
    });
    @Module({
      controllers: [GatewayController],
      providers: [
        { provide: ClusterRouter, useValue: router },
        { provide: GATEWAY_PEERS, useValue: peers },
        { provide: GATEWAY_DISCOVERY, useValue: { kind: 'static', watchState: () => 'watching' } },
        { provide: GATEWAY_LIMITS, useValue: { maxKeyBytes: 16, maxValueBytes: 8 } },
        // No near cache here: every read must reach the node (the near cache has specs of its own).
        { provide: GATEWAY_NEAR, useValue: { fastPath: { hits: 0 } } },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
      ],
    })
    class TestGateway {}
    app = await startHttpApp(TestGateway, {
      name: 'gateway-test',
      port: 0,
      handleSignals: false,
      configure: (fastify) => gatewayBodyParsers(fastify, 64),
    });
    base = `http://127.0.0.1:${listeningPort(app)}/api/v1/groups`;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('stores a PUT body as raw bytes with a TTL, and reads it back with its expiry', async () => {
    const put = await fetch(`${base}/scores/keys/Tom?ttl=30s`, {
      method: 'PUT',
      body: '{"a": 1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ expireAtMs: 31_000 });
    expect(node.sets[0]).toMatchObject({ key: 'Tom', ttlMs: 30_000, hops: 0 });
    const res = await fetch(`${base}/scores/keys/Tom`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-ringcache-expire-at')).toBe('31000');
    expect(await res.text()).toBe('{"a": 1}');
  });

  it("sends every route's request id to the node: the client's x-request-id, or one made here", async () => {
    node.requestIds = [];
    const id = (n: number) => ({ 'x-request-id': `client-${n}` });
    await fetch(`${base}/scores/keys/Tom`, { headers: id(1) });
    await fetch(`${base}/scores/keys/Tom`, { method: 'PUT', body: 'v', headers: id(2) });
    await fetch(`${base}/scores/keys/Tom`, { method: 'DELETE', headers: id(3) });
    await fetch(`${base}/scores/keys:batchGet`, { method: 'POST', body: '{"keys":["a"]}', headers: id(4) });
    await fetch(`${base}/scores`, { method: 'DELETE', headers: id(5) });
    await fetch(`${base.replace('/v1/groups', '')}?key=Tom`, { headers: id(6) });
    await fetch(`${base}/scores/keys/Tom`);
    expect(node.requestIds.slice(0, 6)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `client-${n}`));
    expect(node.requestIds[6]).toMatch(/^[0-9a-f]{10}-\d+$/);
  });

  it('marks a stale answer with x-ringcache-stale and Warning', async () => {
    node.rows.set('old', { value: Buffer.from('v'), expireAtMs: 5, stale: true });
    const res = await fetch(`${base}/scores/keys/old`);
    expect(res.headers.get('x-ringcache-stale')).toBe('1');
    expect(res.headers.get('warning')).toBe('110 - "Response is Stale"');
  });

  it('answers a batch in request order with base64 values', async () => {
    node.rows.set('Jack', { value: Buffer.from([0, 255]), expireAtMs: 0 });
    const res = await fetch(`${base}/scores/keys:batchGet`, {
      method: 'POST',
      body: JSON.stringify({ keys: ['Jack', 'nobody'] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      results: [
        { key: 'Jack', found: true, value: 'AP8=', expireAtMs: 0 },
        { key: 'nobody', found: false, expireAtMs: 7 },
      ],
    });
  });

  it('deletes a key and flushes a group', async () => {
    expect(await (await fetch(`${base}/scores/keys/Jack`, { method: 'DELETE' })).json()).toEqual({
      deleted: true,
    });
    expect(await (await fetch(`${base}/scores`, { method: 'DELETE' })).json()).toEqual({
      generation: 9,
      nodes: 1,
      unreachable: [],
    });
  });

  it.each([
    ['PUT', '/scores/keys/k?ttl=0s', 'x', 400, 'invalid_argument'],
    ['PUT', '/scores/keys/k?ttl=31d', 'x', 400, 'invalid_argument'],
    ['PUT', '/scores/keys/k?ttl=soon', 'x', 400, 'invalid_argument'],
    ['PUT', '/scores/keys/k', '123456789', 413, 'value_too_large'],
    ['PUT', '/scores/keys/k', 'x'.repeat(100), 413, 'value_too_large'],
    ['POST', '/scores/keys:batchGet', '{"keys": [1]}', 400, 'invalid_argument'],
    ['POST', '/scores/keys:batchGet', 'not json', 400, 'invalid_argument'],
    ['POST', '/scores/keys:batchGet', '{"keys": []}', 400, 'invalid_argument'],
    ['GET', '/nope/keys/Tom', undefined, 404, 'unknown_group'],
    ['DELETE', `/scores/keys/${'k'.repeat(17)}`, undefined, 414, 'key_too_long'],
  ])('%s %s → %d %s, changing nothing', async (method, path, body, status, code) => {
    const before = node.rows.size;
    const res = await fetch(`${base}${path}`, { method, body });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { code: string }).code).toBe(code);
    expect(node.rows.size).toBe(before);
  });
});
