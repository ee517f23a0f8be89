import { Global, Module } from '@nestjs/common';
import { NestFactory, type HttpAdapterHost } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { fastify } from 'fastify';

import { PEER_HANDLER, UnimplementedError } from '@ringcache/cache-core';

import { FAKE_KEYS, FakePeerHandler, NOT_FOUND_EXPIRE_AT } from '../testing/fake-peer-handler';
import { listen, startPeerApp, type PeerApp } from '../testing/start-peer-app';
import { BATCH_TYPE, decodeBatchResults } from './batch-codec';
import { PeerHttpController } from './peer-http.controller';
import { PeerHttpModule } from './peer-http.module';
import { registerPeerHttpRoutes } from './peer-http-routes';

/**
 * The server side, spoken to over real HTTP with fetch: the wire format as any client sees it. Run with the
 * read path answered before Fastify (as nodes run) and without it: the answers must be the same.
 */
describe.each([
  ['with the fast path', true],
  ['on the Fastify routes alone', false],
])('PeerHttpController over HTTP, %s', (_how, fastPath) => {
  let handler: FakePeerHandler;
  let peer: PeerApp;

  beforeAll(async () => {
    handler = new FakePeerHandler(['scores']);
    peer = await startPeerApp(handler, { maxBodyBytes: 64 * 1024, fastPath });
  });
  afterAll(() => peer.close());

  const url = (path: string) => peer.baseUrl + path;
  const postJson = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(url(path), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('answers a found key with its bytes as octet-stream and its expiry', async () => {
    handler.put('scores', 'Tom', Buffer.from([0, 1, 2, 0, 255]), 1_800_000_000_000);
    const res = await fetch(url('/_ringcache/scores/Tom'), {
      headers: { 'x-ringcache-ring-version': 'v1', 'x-ringcache-hops': '1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-ringcache-expire-at')).toBe('1800000000000');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 0, 255]));
    expect(handler.contexts.at(-1)).toEqual({ ringVersion: 'v1', hops: 1 });
  });

  it('answers a missing key 404 not_found with the expiry of the cached "not found"', async () => {
    const res = await fetch(url('/_ringcache/scores/nobody'));
    expect(res.status).toBe(404);
    expect(res.headers.get('x-ringcache-expire-at')).toBe(String(NOT_FOUND_EXPIRE_AT));
    expect(await res.json()).toEqual({ code: 'not_found', message: expect.any(String) });
    expect(handler.contexts.at(-1)).toEqual({ ringVersion: '', hops: 0 });
  });

  it("hands the handler the request's x-request-id, or its own id when that is missing or invalid", async () => {
    handler.requestIds.length = 0;
    await fetch(url('/_ringcache/scores/Tom'), { headers: { 'x-request-id': 'client-42' } });
    await fetch(url('/_ringcache/scores/Tom'), { headers: { 'x-request-id': 'x'.repeat(129) } });
    await fetch(url('/_ringcache/scores/Tom'));
    const [given, tooLong, none] = handler.requestIds;
    expect(given).toBe('client-42');
    expect(tooLong).toEqual(expect.any(String));
    expect(tooLong).not.toBe('x'.repeat(129));
    expect(none).toEqual(expect.any(String));
    expect(new Set([given, tooLong, none]).size).toBe(3);
  });

  it('answers an unknown group 404 unknown_group, an error and not a "not found"', async () => {
    const res = await fetch(url('/_ringcache/nope/Tom'));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 'unknown_group', message: 'unknown group "nope"' });
  });

  it('answers batchGet with base64 values in request order', async () => {
    handler.put('scores', 'a', 'A', 5);
    handler.put('scores', 'empty', '');
    const res = await postJson(
      '/_ringcache/scores:batchGet',
      JSON.stringify({ keys: ['empty', 'missing', 'a'] }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      results: [
        { found: true, value: '', expireAtMs: 0 },
        { found: false, value: '', expireAtMs: NOT_FOUND_EXPIRE_AT },
        { found: true, value: Buffer.from('A').toString('base64'), expireAtMs: 5 },
      ],
    });
  });

  it('answers batchGet in binary when asked, a failing key carrying its error', async () => {
    handler.put('scores', 'bin', Buffer.from([0, 255]), 9);
    const res = await postJson(
      '/_ringcache/scores:batchGet',
      JSON.stringify({ keys: ['bin', FAKE_KEYS.loadFails, 'missing'] }),
      { accept: BATCH_TYPE },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(BATCH_TYPE);
    const results = decodeBatchResults(Buffer.from(await res.arrayBuffer()), 3);
    expect(results).toEqual([
      { found: true, value: Buffer.from([0, 255]), expireAtMs: 9 },
      {
        found: false,
        value: Buffer.alloc(0),
        expireAtMs: 0,
        error: { code: 'load_failed', message: expect.stringContaining('database is down') },
      },
      { found: false, value: Buffer.alloc(0), expireAtMs: NOT_FOUND_EXPIRE_AT },
    ]);
  });

  it('answers a failing key of a JSON batchGet with its error beside the other answers', async () => {
    handler.put('scores', 'j', 'J');
    const res = await postJson('/_ringcache/scores:batchGet', JSON.stringify({ keys: [FAKE_KEYS.bug, 'j'] }));
    expect(await res.json()).toStrictEqual({
      results: [
        { found: false, value: '', expireAtMs: 0, error: { code: 'internal', message: 'internal error' } },
        { found: true, value: Buffer.from('J').toString('base64'), expireAtMs: 0 },
      ],
    });
  });

  it('stores a PUT body as raw bytes with its ttlMs, and deletes', async () => {
    const bytes = Buffer.from([9, 0, 8]);
    const put = await fetch(url('/_ringcache/scores/new%2Fkey?ttlMs=60000'), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(put.status).toBe(200);
    const { expireAtMs } = (await put.json()) as { expireAtMs: number };
    expect(expireAtMs).toBeGreaterThan(Date.now());
    expect(handler.groups.get('scores')?.get('new/key')?.value).toEqual(bytes);
    const del = await fetch(url('/_ringcache/scores/new%2Fkey'), { method: 'DELETE' });
    expect(await del.json()).toEqual({ deleted: true });
  });

  it('marks a stale answer with x-ringcache-stale and a Warning, a fresh one with neither', async () => {
    handler.put('scores', 'old', 'was 630', 1_000, true);
    const stale = await fetch(url('/_ringcache/scores/old'));
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-ringcache-stale')).toBe('1');
    expect(stale.headers.get('warning')).toBe('110 - "Response is Stale"');
    expect(await stale.text()).toBe('was 630');
    const staleMissing = await fetch(url(`/_ringcache/scores/${FAKE_KEYS.staleNotFound}`));
    expect(staleMissing.status).toBe(404);
    expect(staleMissing.headers.get('x-ringcache-stale')).toBe('1');
    handler.put('scores', 'new', '640');
    const fresh = await fetch(url('/_ringcache/scores/new'));
    expect(fresh.headers.has('x-ringcache-stale')).toBe(false);
    expect(fresh.headers.has('warning')).toBe(false);
  });

  it('marks stale batchGet results with "stale":true and leaves the others without it', async () => {
    handler.put('scores', 'b-old', 'O', 1, true);
    handler.put('scores', 'b-new', 'N', 2);
    const res = await postJson('/_ringcache/scores:batchGet', JSON.stringify({ keys: ['b-new', 'b-old'] }));
    expect(await res.json()).toStrictEqual({
      results: [
        { found: true, value: Buffer.from('N').toString('base64'), expireAtMs: 2 },
        { found: true, value: Buffer.from('O').toString('base64'), expireAtMs: 1, stale: true },
      ],
    });
  });

  it.each([
    ['', false],
    ['?localOnly=1', true],
    ['?localOnly=0', false],
  ])('deletes with %j as localOnly %s', async (query, localOnly) => {
    handler.put('scores', 'gone', 'x');
    const res = await fetch(url(`/_ringcache/scores/gone${query}`), {
      method: 'DELETE',
      headers: { 'x-ringcache-hops': '1' },
    });
    expect(await res.json()).toEqual({ deleted: true });
    expect(handler.received.at(-1)).toEqual({
      group: 'scores',
      key: 'gone',
      ringVersion: '',
      hops: 1,
      localOnly,
      requestId: expect.any(String),
    });
  });

  it('flushes a group: {"generation":n} in, the generation after the call out', async () => {
    const res = await postJson('/_ringcache/scores:flush', JSON.stringify({ generation: 1_700_000_000_123 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ generation: 1_700_000_000_123 });
    expect(handler.received.at(-1)).toEqual({ group: 'scores', generation: 1_700_000_000_123 });
    const older = await postJson('/_ringcache/scores:flush', '{"generation":3}');
    expect(await older.json()).toEqual({ generation: 1_700_000_000_123 });
    const unknown = await postJson('/_ringcache/nope:flush', '{"generation":3}');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 'unknown_group', message: 'unknown group "nope"' });
  });

  it('expires keys of several groups in one call, handing them over in order and field by field', async () => {
    const expired = new Map([['e/1', { value: Buffer.from('x'), expireAtMs: 10, stale: false }]]);
    handler.groups.set('other', expired);
    handler.put('scores', 'e2', 'y', 20);
    handler.put('scores', 'later', 'z', Date.now() + 60_000);
    const keys = [
      { group: 'other', key: 'e/1', expireAtMs: 10 },
      { group: 'scores', key: 'e2', expireAtMs: 20 },
      { group: 'scores', key: 'later', expireAtMs: 20 },
      { group: 'scores', key: 'ünï 😀', expireAtMs: 1_700_000_000_123 },
    ];
    const body = { keys: keys.map((k) => ({ ...k, extra: 'dropped' })), more: true };
    const res = await postJson('/_ringcache/:expire', JSON.stringify(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ removed: 2, scheduled: 0 });
    expect(handler.received.at(-1)).toStrictEqual({ keys });
    expect(handler.groups.get('scores')?.has('later')).toBe(true);
    handler.groups.delete('other');
  });

  it('answers an expire naming an unknown group 404 unknown_group', async () => {
    const res = await postJson('/_ringcache/:expire', '{"keys":[{"group":"nope","key":"k","expireAtMs":1}]}');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 'unknown_group', message: 'unknown group "nope"' });
  });

  it('answers handler errors with their status and code', async () => {
    const failing = await fetch(url(`/_ringcache/scores/${FAKE_KEYS.loadFails}`));
    expect(failing.status).toBe(503);
    expect(await failing.json()).toEqual({
      code: 'load_failed',
      message: expect.stringContaining('database is down'),
    });
    const long = await fetch(url(`/_ringcache/scores/${'k'.repeat(300)}`));
    expect(long.status).toBe(414);
    expect(await long.json()).toMatchObject({ code: 'key_too_long' });
  });

  it('answers an unexpected error 500 internal without leaking its message or stack', async () => {
    const res = await fetch(url(`/_ringcache/scores/${FAKE_KEYS.bug}`));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ code: 'internal', message: 'internal error' });
    expect(text).not.toMatch(/secret|at /);
  });

  it.each([
    ['bad percent-encoding', () => fetch(url('/_ringcache/scores/%E0%A4%A'))],
    ['percent-encoding that is not UTF-8', () => fetch(url('/_ringcache/scores/%C3%28'))],
    [
      'hops that are not an integer',
      () => fetch(url('/_ringcache/scores/Tom'), { headers: { 'x-ringcache-hops': 'abc' } }),
    ],
    ['a body that is not JSON', () => postJson('/_ringcache/scores:batchGet', '{"keys":')],
    ['keys that are not a list of strings', () => postJson('/_ringcache/scores:batchGet', '{"keys":[1,2]}')],
    ['an empty JSON body', () => postJson('/_ringcache/scores:batchGet', '')],
    [
      'a body that is not UTF-8',
      () => postJson('/_ringcache/scores:batchGet', Buffer.from([0x7b, 0xff, 0x7d]) as unknown as string),
    ],
    [
      'a content type the protocol does not use',
      () =>
        fetch(url('/_ringcache/scores/Tom'), {
          method: 'PUT',
          headers: { 'content-type': 'text/plain' },
          body: 'x',
        }),
    ],
    [
      'a ttlMs that is not an integer',
      () => fetch(url('/_ringcache/scores/Tom?ttlMs=soon'), { method: 'PUT' }),
    ],
    ['a POST that is not a method call', () => postJson('/_ringcache/scores/Tom', '{}')],
    [
      'a batchSet body that is JSON, not binary',
      () => postJson('/_ringcache/scores:batchSet', '{"entries":[]}'),
    ],
    [
      'a batchSet body cut short',
      () =>
        fetch(url('/_ringcache/scores:batchSet'), {
          method: 'POST',
          headers: { 'content-type': BATCH_TYPE },
          body: Buffer.from([0, 0, 0, 9, 0x61]),
        }),
    ],
    [
      'a batchDelete with localOnly that is not a boolean',
      () => postJson('/_ringcache/scores:batchDelete', '{"keys":["a"],"localOnly":1}'),
    ],
  ])('answers %s 400 invalid_argument, and keeps serving', (_what, send) => expectInvalidArgument(send));

  it.each<[string, () => Promise<Response>]>([
    ...['yes', 'true', '', '2'].map((value): [string, () => Promise<Response>] => [
      `localOnly=${JSON.stringify(value)}`,
      () => fetch(url(`/_ringcache/scores/Tom?localOnly=${value}`), { method: 'DELETE' }),
    ]),
    [
      'localOnly given twice',
      () => fetch(url('/_ringcache/scores/Tom?localOnly=1&localOnly=1'), { method: 'DELETE' }),
    ],
    ...[
      '',
      '{"generation":',
      '{}',
      '[5]',
      '5',
      '{"generation":null}',
      '{"generation":"5"}',
      '{"generation":-1}',
      '{"generation":1.5}',
      '{"generation":9007199254740993}',
    ].map((body): [string, () => Promise<Response>] => [
      `a flush body ${JSON.stringify(body)}`,
      () => postJson('/_ringcache/scores:flush', body),
    ]),
    ...[
      '',
      '{"keys":',
      '{}',
      '{"keys":{}}',
      '{"keys":[null]}',
      '{"keys":[["scores","k",1]]}',
      '{"keys":[{"key":"k","expireAtMs":1}]}',
      '{"keys":[{"group":"scores","key":7,"expireAtMs":1}]}',
      '{"keys":[{"group":"scores","key":"k"}]}',
      '{"keys":[{"group":"scores","key":"k","expireAtMs":"1"}]}',
      '{"keys":[{"group":"scores","key":"k","expireAtMs":-1}]}',
      '{"keys":[{"group":"scores","key":"k","expireAtMs":1e300}]}',
    ].map((body): [string, () => Promise<Response>] => [
      `an expire body ${JSON.stringify(body)}`,
      () => postJson('/_ringcache/:expire', body),
    ]),
    ['an expire under a group', () => postJson('/_ringcache/scores:expire', '{"keys":[]}')],
  ])('answers %s 400 invalid_argument, and keeps serving', (_what, send) => expectInvalidArgument(send));

  /** Sends a bad request, expects 400 invalid_argument as JSON, then a good request to be served. */
  async function expectInvalidArgument(send: () => Promise<Response>): Promise<void> {
    const res = await send();
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ code: 'invalid_argument', message: expect.any(String) });
    expect((await fetch(url('/_ringcache/scores/Tom'))).status).toBe(200);
  }

  it('answers an unknown method 501 and a body over the limit 413', async () => {
    const unknown = await postJson('/_ringcache/scores:compareAndSwap', '{}');
    expect(unknown.status).toBe(501);
    expect(await unknown.json()).toMatchObject({ code: 'unimplemented' });
    const big = await fetch(url('/_ringcache/scores/big'), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(64 * 1024 + 1),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'value_too_large' });
  });
});

describe('POST /_ringcache/:expire limits', () => {
  it('takes 10,000 keys in one call and answers 10,001 with 400 invalid_argument', async () => {
    const handler = new FakePeerHandler(['scores']);
    const peer = await startPeerApp(handler); // the default body limit, 16 MiB
    try {
      const body = (count: number) =>
        JSON.stringify({
          keys: Array.from({ length: count }, (_, i) => ({ group: 'scores', key: `k${i}`, expireAtMs: i })),
        });
      const send = (count: number) =>
        fetch(`${peer.baseUrl}/_ringcache/:expire`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: body(count),
        });
      const most = await send(10_000);
      expect(most.status).toBe(200);
      expect(await most.json()).toEqual({ removed: 0, scheduled: 0 });
      const over = await send(10_001);
      expect(over.status).toBe(400);
      expect(await over.json()).toEqual({
        code: 'invalid_argument',
        message: 'at most 10000 keys per expire call, got 10001',
      });
      expect(handler.received).toHaveLength(1);
    } finally {
      await peer.close();
    }
  });
});

describe('PeerHttpModule wiring', () => {
  it("without peerHttpFrameworkErrors, a bad URL still gets Fastify's 400 JSON and the server stays up", async () => {
    const peer = await startPeerApp(new FakePeerHandler(), { frameworkErrors: false });
    try {
      const res = await fetch(`${peer.baseUrl}/_ringcache/scores/%ZZ`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'FST_ERR_BAD_URL' });
      expect((await fetch(`${peer.baseUrl}/_ringcache/scores/x`)).status).toBe(404);
    } finally {
      await peer.close();
    }
  });

  it('works as a plain import when PEER_HANDLER comes from a global module', async () => {
    const handler = new FakePeerHandler();
    handler.put('scores', 'Tom', '630');
    @Global()
    @Module({ providers: [{ provide: PEER_HANDLER, useValue: handler }], exports: [PEER_HANDLER] })
    class GlobalHandlerModule {}
    @Module({ imports: [GlobalHandlerModule, PeerHttpModule] })
    class AppModule {}
    const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), {
      logger: false,
    });
    const peer = await listen(app);
    try {
      expect(await (await fetch(`${peer.baseUrl}/_ringcache/scores/Tom`)).text()).toBe('630');
    } finally {
      await peer.close();
    }
  });

  it('fails at startup on an app that is not on Fastify', () => {
    const host = { httpAdapter: { getType: () => 'express' } } as unknown as HttpAdapterHost;
    const controller = new PeerHttpController(new FakePeerHandler(), host, null);
    expect(() => controller.onModuleInit()).toThrow(/needs a Nest HTTP app on Fastify .*got express/);
  });
});

describe('registerPeerHttpRoutes on a bare Fastify instance', () => {
  it('serves the protocol and reports internal errors to onInternalError', async () => {
    const app = fastify();
    const reported: unknown[] = [];
    const handler = new FakePeerHandler();
    handler.set = () => Promise.reject(new UnimplementedError('Set'));
    registerPeerHttpRoutes(app, handler, { onInternalError: (error) => reported.push(error) });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect((await fetch(`${base}/_ringcache/scores/${FAKE_KEYS.bug}`)).status).toBe(500);
      expect(reported).toEqual([new TypeError('secret internal detail')]);
      const put = await fetch(`${base}/_ringcache/scores/k`, { method: 'PUT' });
      expect(put.status).toBe(501);
      expect(reported).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('refuses a maxBodyBytes that is not a positive integer', () => {
    expect(() => registerPeerHttpRoutes(fastify(), new FakePeerHandler(), { maxBodyBytes: 0 })).toThrow(
      'peer-http option maxBodyBytes must be a positive integer, got 0',
    );
  });
});
