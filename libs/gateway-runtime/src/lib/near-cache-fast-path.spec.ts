import type { IncomingMessage, ServerResponse } from 'node:http';

import { NearCache } from '@ringcache/cache-core';

import { serveFromNearCache } from './near-cache-fast-path';

/** A response that records what was written. */
function recorder() {
  const written = { status: 0, headers: {} as Record<string, unknown>, body: Buffer.alloc(0) };
  const response = {
    writeHead(status: number, headers: Record<string, unknown>) {
      written.status = status;
      written.headers = headers;
    },
    end(body: Buffer | string) {
      written.body = Buffer.from(body);
    },
  } as unknown as ServerResponse;
  return { written, response };
}

const request = (url: string, method = 'GET') => ({ url, method }) as IncomingMessage;

describe('serveFromNearCache', () => {
  const near = new NearCache({ maxBytes: 1 << 20 });
  near.setEnabled(true);
  near.store('scores', 'Tom', { found: true, value: Buffer.from('630'), expireAtMs: 0 }, near.begin());
  near.store('scores', 'a b/c', { found: true, value: Buffer.from('x'), expireAtMs: 0 }, near.begin());
  near.store(
    'scores',
    'nobody',
    { found: false, value: Buffer.alloc(0), expireAtMs: Date.now() + 60_000 },
    near.begin(),
  );
  const stats = { hits: 0 };

  it('answers a held value with its bytes and expiry', () => {
    const { written, response } = recorder();
    expect(serveFromNearCache(near, stats, request('/api/v1/groups/scores/keys/Tom'), response)).toBe(true);
    expect(written.status).toBe(200);
    expect(written.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': 3,
      'x-ringcache-expire-at': '0',
    });
    expect(written.body.toString()).toBe('630');
  });

  it('decodes percent-encoded keys, and answers a held not-found as the API does', () => {
    const one = recorder();
    expect(
      serveFromNearCache(near, stats, request('/api/v1/groups/scores/keys/a%20b%2Fc'), one.response),
    ).toBe(true);
    expect(one.written.body.toString()).toBe('x');
    const two = recorder();
    expect(serveFromNearCache(near, stats, request('/api/v1/groups/scores/keys/nobody'), two.response)).toBe(
      true,
    );
    expect(two.written.status).toBe(404);
    expect(JSON.parse(two.written.body.toString())).toEqual({
      code: 'not_found',
      message: 'scores/nobody not found',
    });
    expect(stats.hits).toBe(3);
  });

  it.each([
    ['a miss', '/api/v1/groups/scores/keys/Jack', 'GET'],
    ['another method', '/api/v1/groups/scores/keys/Tom', 'PUT'],
    ['a query string', '/api/v1/groups/scores/keys/Tom?x=1', 'GET'],
    ['bad percent-encoding', '/api/v1/groups/scores/keys/%ZZ', 'GET'],
    ['an empty key', '/api/v1/groups/scores/keys/', 'GET'],
    ['another route', '/api/v1/cluster', 'GET'],
    ['the legacy path', '/api?key=Tom', 'GET'],
  ])('leaves %s to Fastify', (_what, url, method) => {
    const { written, response } = recorder();
    expect(serveFromNearCache(near, stats, request(url, method), response)).toBe(false);
    expect(written.status).toBe(0);
  });

  it('serves nothing while the near cache is paused', () => {
    near.setEnabled(false);
    expect(
      serveFromNearCache(near, stats, request('/api/v1/groups/scores/keys/Tom'), recorder().response),
    ).toBe(false);
    near.setEnabled(true);
  });
});
