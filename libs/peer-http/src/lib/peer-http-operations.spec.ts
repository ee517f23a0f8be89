import { FAKE_KEYS, NOT_FOUND_EXPIRE_AT } from '../testing/fake-peer-handler';
import { SERVING_MODES, usePeerOverHttp } from '../testing/peer-http.controller.fixtures';
import { BATCH_TYPE, decodeBatchResults } from './batch-codec';

/**
 * The server side, spoken to over real HTTP with fetch: the wire format as any client sees it. Run with the
 * read path answered before Fastify (as nodes run) and without it: the answers must be the same.
 */
describe.each(SERVING_MODES)('PeerHttpController over HTTP, %s', (_how, fastPath) => {
  const { handler, url, postJson } = usePeerOverHttp(fastPath);

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
});
