import { FAKE_KEYS, FakePeerHandler } from '../testing/fake-peer-handler';
import { SERVING_MODES, usePeerOverHttp } from '../testing/peer-http.controller.fixtures';
import { startPeerApp } from '../testing/start-peer-app';
import { BATCH_TYPE } from './batch-codec';

/** The server's error answers over real HTTP, with the fast path and without: the same either way. */
describe.each(SERVING_MODES)('PeerHttpController over HTTP, %s', (_how, fastPath) => {
  const { url, postJson } = usePeerOverHttp(fastPath);

  it('answers an unknown group 404 unknown_group, an error and not a "not found"', async () => {
    const res = await fetch(url('/_ringcache/nope/Tom'));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 'unknown_group', message: 'unknown group "nope"' });
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
