import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

import {
  LoadError,
  NearCache,
  RingcacheError,
  UnavailableError,
  type ClusterRouter,
  type GetResponse,
  type RequestLine,
} from '@ringcache/cache-core';

import { KeyFastPath } from './key-fast-path';

/** A response that records what was written; `done` resolves when it ends. */
function recorder() {
  const written = { status: 0, headers: {} as Record<string, unknown>, body: Buffer.alloc(0) };
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const response = {
    writeHead(status: number, headers: Record<string, unknown>) {
      written.status = status;
      written.headers = headers;
    },
    end(body: Buffer | string) {
      written.body = Buffer.from(body);
      finish();
    },
    destroy() {
      finish();
    },
  } as unknown as ServerResponse;
  return { written, response, done };
}

const request = (url: string, method = 'GET', headers: Record<string, string> = {}) =>
  ({ url, method, headers }) as unknown as IncomingMessage;

/** A router whose answers are set per key; records the keys asked and the request ids sent. */
function fakeRouter(answers: Record<string, GetResponse | Error>) {
  const asked: { group: string; key: string; requestId?: string }[] = [];
  const router = {
    get: async (group: string, key: string, options: { requestId?: string } = {}) => {
      asked.push({ group, key, requestId: options.requestId });
      const answer = answers[key];
      if (answer === undefined) throw new RingcacheError('internal', `no answer for ${key}`);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as ClusterRouter;
  return { router, asked };
}

const noLog = () => undefined;

describe('KeyFastPath with a near cache', () => {
  const near = new NearCache({ maxBytes: 1 << 20 });
  near.setEnabled(true);
  near.store(
    'scores',
    'Tom',
    { found: true, value: Buffer.from('630'), expireAtMs: 0 },
    near.begin('scores', 'Tom'),
  );
  near.store(
    'scores',
    'a b/c',
    { found: true, value: Buffer.from('x'), expireAtMs: 0 },
    near.begin('scores', 'a b/c'),
  );
  near.store(
    'scores',
    'nobody',
    { found: false, value: Buffer.alloc(0), expireAtMs: Date.now() + 60_000 },
    near.begin('scores', 'nobody'),
  );
  const path = new KeyFastPath({ near });

  it('answers a held value with its bytes, expiry and request id', () => {
    const { written, response } = recorder();
    const req = request('/api/v1/groups/scores/keys/Tom', 'GET', { 'x-request-id': 'client-7' });
    expect(path.serve(req, response, noLog)).toBe(true);
    expect(written.status).toBe(200);
    expect(written.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': 3,
      'x-ringcache-expire-at': '0',
      'x-request-id': 'client-7',
    });
    expect(written.body.toString()).toBe('630');
  });

  it('decodes percent-encoded keys, and answers a held not-found as the API does', () => {
    const before = path.stats.hits;
    const one = recorder();
    expect(path.serve(request('/api/v1/groups/scores/keys/a%20b%2Fc'), one.response, noLog)).toBe(true);
    expect(one.written.body.toString()).toBe('x');
    const two = recorder();
    expect(path.serve(request('/api/v1/groups/scores/keys/nobody'), two.response, noLog)).toBe(true);
    expect(two.written.status).toBe(404);
    expect(JSON.parse(two.written.body.toString())).toEqual({
      code: 'not_found',
      message: 'scores/nobody not found',
    });
    expect(typeof two.written.headers['x-request-id']).toBe('string');
    expect(path.stats.hits - before).toBe(2);
  });

  it.each([
    ['a miss before the router exists', '/api/v1/groups/scores/keys/Jack', 'GET'],
    ['another method', '/api/v1/groups/scores/keys/Tom', 'PUT'],
    ['a query string', '/api/v1/groups/scores/keys/Tom?x=1', 'GET'],
    ['bad percent-encoding', '/api/v1/groups/scores/keys/%ZZ', 'GET'],
    ['an empty key', '/api/v1/groups/scores/keys/', 'GET'],
    ['a key with a slash', '/api/v1/groups/scores/keys/a/b', 'GET'],
    ['a key longer than the router allows', `/api/v1/groups/scores/keys/${'k'.repeat(16 * 1024 + 1)}`, 'GET'],
    ['another route', '/api/v1/cluster', 'GET'],
    ['the legacy path', '/api?key=Tom', 'GET'],
  ])('leaves %s to Fastify', (_what, url, method) => {
    const { written, response } = recorder();
    expect(path.serve(request(url, method), response, noLog)).toBe(false);
    expect(written.status).toBe(0);
  });

  it('serves nothing from the near cache while it is paused', () => {
    near.setEnabled(false);
    expect(path.serve(request('/api/v1/groups/scores/keys/Tom'), recorder().response, noLog)).toBe(false);
    near.setEnabled(true);
  });
});

describe('KeyFastPath reading through the router', () => {
  it('sends a miss to the owner, answers it, keeps it in the near cache, and logs the request', async () => {
    const near = new NearCache({ maxBytes: 1 << 20 });
    near.setEnabled(true);
    const path = new KeyFastPath({ near });
    const { router, asked } = fakeRouter({
      Jack: { found: true, value: Buffer.from('589'), expireAtMs: 0, stale: true },
    });
    path.router = router;
    const lines: RequestLine[] = [];
    const { written, response, done } = recorder();
    const req = request('/api/v1/groups/scores/keys/Jack', 'GET', { 'x-request-id': 'r-1' });
    expect(path.serve(req, response, (line) => lines.push(line))).toBe(true);
    await done;
    expect(asked).toEqual([{ group: 'scores', key: 'Jack', requestId: 'r-1' }]);
    expect(written.status).toBe(200);
    expect(written.headers).toMatchObject({
      'x-ringcache-stale': '1',
      warning: '110 - "Response is Stale"',
      'x-request-id': 'r-1',
    });
    expect(written.body.toString()).toBe('589');
    // The line is logged once the answer is written.
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([
      {
        reqId: 'r-1',
        method: 'GET',
        url: '/api/v1/groups/scores/keys/Jack',
        status: 200,
        ms: expect.any(Number),
      },
    ]);
    // A stale answer is not kept: the next read goes to the owner again.
    expect(near.get('scores', 'Jack')).toBeUndefined();
    expect(path.stats.reads).toBe(1);
  });

  it.each([
    [new LoadError('scores', 'k', { cause: new Error('down') }), 503, 'load_failed'],
    [new UnavailableError('no owner answered'), 503, 'unavailable'],
    [new RingcacheError('key_too_long', 'key is 2000 bytes'), 414, 'key_too_long'],
    [new TypeError('a bug'), 500, 'internal'],
  ])('answers %s with %i %s as JSON', async (error, status, code) => {
    const path = new KeyFastPath();
    path.router = fakeRouter({ k: error }).router;
    const { written, response, done } = recorder();
    expect(path.serve(request('/api/v1/groups/scores/keys/k'), response, noLog)).toBe(true);
    await done;
    expect(written.status).toBe(status);
    expect(written.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(written.body.toString()) as { code: string; message: string };
    expect(body.code).toBe(code);
    if (code === 'internal') expect(body.message).toBe('internal error');
  });
});

describe('KeyFastPath writes', () => {
  /** A request with a body, as node:http hands it over: a readable stream with url, method and headers. */
  function withBody(url: string, method: string, body: string, headers: Record<string, string> = {}) {
    const stream = Readable.from(body ? [Buffer.from(body)] : []) as unknown as IncomingMessage;
    Object.assign(stream, {
      url,
      method,
      headers: { 'content-length': String(Buffer.byteLength(body)), ...headers },
    });
    return stream;
  }

  /** A router recording its writes. */
  function writes() {
    const calls: unknown[][] = [];
    const router = {
      set: async (...args: unknown[]) => (calls.push(['set', ...args.slice(0, 4)]), { expireAtMs: 42 }),
      delete: async (...args: unknown[]) => (calls.push(['delete', ...args.slice(0, 2)]), { deleted: true }),
    } as unknown as ClusterRouter;
    return { router, calls };
  }

  it('stores a PUT body with its ttl, answers the expiry, and drops the near copy', async () => {
    const near = new NearCache({ maxBytes: 1 << 20 });
    near.setEnabled(true);
    near.store(
      'scores',
      'Tom',
      { found: true, value: Buffer.from('630'), expireAtMs: 0 },
      near.begin('scores', 'Tom'),
    );
    const path = new KeyFastPath({ near, maxValueBytes: 16 });
    const { router, calls } = writes();
    path.router = router;
    const { written, response, done } = recorder();
    expect(
      path.serve(withBody('/api/v1/groups/scores/keys/Tom?ttl=30s', 'PUT', '700'), response, noLog),
    ).toBe(true);
    await done;
    expect(written.status).toBe(200);
    expect(JSON.parse(written.body.toString())).toEqual({ expireAtMs: 42 });
    expect(calls).toEqual([['set', 'scores', 'Tom', Buffer.from('700'), 30_000]]);
    expect(near.get('scores', 'Tom')).toBeUndefined();
  });

  it('deletes, dropping the near copy', async () => {
    const path = new KeyFastPath();
    const { router, calls } = writes();
    path.router = router;
    const { written, response, done } = recorder();
    expect(path.serve(withBody('/api/v1/groups/scores/keys/Tom', 'DELETE', ''), response, noLog)).toBe(true);
    await done;
    expect(JSON.parse(written.body.toString())).toEqual({ deleted: true });
    expect(calls).toEqual([['delete', 'scores', 'Tom']]);
  });

  it.each(['31d', '%ZZ', '1%E'])(
    'answers a bad ttl (%s) 400 as the API does, storing nothing',
    async (ttl) => {
      const path = new KeyFastPath();
      const { router, calls } = writes();
      path.router = router;
      const { written, response, done } = recorder();
      expect(
        path.serve(withBody(`/api/v1/groups/scores/keys/Tom?ttl=${ttl}`, 'PUT', 'v'), response, noLog),
      ).toBe(true);
      await done;
      expect(written.status).toBe(400);
      expect(JSON.parse(written.body.toString()).code).toBe('invalid_argument');
      expect(calls).toEqual([]);
    },
  );

  it.each([
    ['a body over the value limit', withBodyOf('/api/v1/groups/scores/keys/k', 'PUT', 'x'.repeat(17))],
    ['another query parameter', withBodyOf('/api/v1/groups/scores/keys/k?ttl=1m&x=1', 'PUT', 'v')],
    ['a body of no known length', withBodyOf('/api/v1/groups/scores/keys/k', 'PUT', 'v', true)],
    ['a DELETE with a query', withBodyOf('/api/v1/groups/scores/keys/k?x=1', 'DELETE', '')],
    ['a DELETE with a body', withBodyOf('/api/v1/groups/scores/keys/k', 'DELETE', 'x')],
    ['a DELETE with a chunked body', withBodyOf('/api/v1/groups/scores/keys/k', 'DELETE', 'x', true)],
  ])('leaves %s to Fastify', (_what, request) => {
    const path = new KeyFastPath({ maxValueBytes: 16 });
    path.router = writes().router;
    const { written, response } = recorder();
    expect(path.serve(request, response, noLog)).toBe(false);
    expect(written.status).toBe(0);
  });

  function withBodyOf(url: string, method: string, body: string, chunked = false): IncomingMessage {
    const request = Readable.from([Buffer.from(body)]) as unknown as IncomingMessage;
    const headers: Record<string, string> = chunked
      ? { 'transfer-encoding': 'chunked' }
      : { 'content-length': String(body.length) };
    return Object.assign(request, { url, method, headers });
  }
});
