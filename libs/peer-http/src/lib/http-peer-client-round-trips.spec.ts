import { FAKE_KEYS, type FakePeerHandler, NOT_FOUND_EXPIRE_AT } from '../testing/fake-peer-handler';
import { call, ctx, useNestPeer, type PeerForm } from '../testing/http-peer-client.fixtures';
import type { HttpPeerClient } from './http-peer-client';

// The same calls and answers whether they travel as HTTP requests or as frames (flush and expire, which
// never go as frames, too).
describe.each<PeerForm>(['http', 'frames'])(
  'HttpPeerClient against a Nest peer on Fastify, as %s',
  (form) => {
    let handler: FakePeerHandler;
    let client: HttpPeerClient;
    useNestPeer((nestPeer) => ({ handler, client } = nestPeer), form);

    describe('round trips', () => {
      it('gets a found value with its expiry, and sends ring version and hops', async () => {
        handler.put('scores', 'Tom', '630', 1_800_000_000_000);
        const response = await client.get({ group: 'scores', key: 'Tom', ...ctx }, call);
        expect(response).toEqual({ found: true, value: Buffer.from('630'), expireAtMs: 1_800_000_000_000 });
        expect(handler.contexts.at(-1)).toEqual(ctx);
      });

      it('sends the request id as x-request-id, and the peer hands it to the handler', async () => {
        const withId = (requestId: string) => ({ ...call, requestId });
        handler.requestIds.length = 0;
        await client.get({ group: 'scores', key: 'Tom', ...ctx }, withId('gw-1'));
        await client.getMany({ group: 'scores', keys: ['a', 'b'], ...ctx }, withId('gw-2'));
        await client.set(
          { group: 'scores', key: 'k', value: Buffer.from('v'), ttlMs: 0, ...ctx },
          withId('gw-3'),
        );
        await client.delete({ group: 'scores', key: 'k', ...ctx }, withId('gw-4'));
        expect(handler.requestIds).toEqual(['gw-1', 'gw-2', 'gw-2', 'gw-3', 'gw-4']);
      });

      it('leaves out an id a header cannot carry, and the peer names the request itself', async () => {
        handler.requestIds.length = 0;
        await client.get({ group: 'scores', key: 'Tom', ...ctx }, { ...call, requestId: 'not valid\n' });
        await client.get({ group: 'scores', key: 'Tom', ...ctx }, call);
        const [first, second] = handler.requestIds;
        expect(first).toEqual(expect.any(String));
        expect(first).not.toContain('not valid');
        expect(second).toEqual(expect.any(String));
        expect(second).not.toBe(first);
      });

      it('resolves a missing key as found:false with the expiry of the cached "not found"', async () => {
        const response = await client.get({ group: 'scores', key: 'nobody', ...ctx }, call);
        expect(response).toEqual({ found: false, value: Buffer.alloc(0), expireAtMs: NOT_FOUND_EXPIRE_AT });
      });

      it('tells an empty value from a missing key', async () => {
        handler.put('blobs', 'empty', '');
        const response = await client.get({ group: 'blobs', key: 'empty', ...ctx }, call);
        expect(response.found).toBe(true);
        expect(response.value).toHaveLength(0);
      });

      it('carries binary bytes, zeros included, unchanged', async () => {
        const bytes = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7) % 256));
        bytes[0] = 0;
        bytes[1023] = 0;
        handler.put('blobs', 'bin', bytes);
        const { value } = await client.get({ group: 'blobs', key: 'bin', ...ctx }, call);
        expect(Buffer.compare(Buffer.from(value), bytes)).toBe(0);
      });

      it.each([
        'a/b',
        '/lead/trail/',
        'with space',
        'ünïcødé 😀',
        '100%',
        '%2F',
        'a?b#c&d=e',
        'plus+',
        'x:y',
      ])('gets the key %j exactly', async (key) => {
        handler.put('scores', key, `value of ${key}`);
        const { found, value } = await client.get({ group: 'scores', key, ...ctx }, call);
        expect(found).toBe(true);
        expect(Buffer.from(value).toString()).toBe(`value of ${key}`);
      });

      it('gets many keys in request order', async () => {
        handler.put('scores', 'm1', 'one', 7);
        handler.put('scores', 'm/2', '');
        const { results } = await client.getMany(
          { group: 'scores', keys: ['m/2', 'missing', 'm1'], ...ctx },
          call,
        );
        expect(results).toEqual([
          { found: true, value: Buffer.alloc(0), expireAtMs: 0 },
          { found: false, value: Buffer.alloc(0), expireAtMs: NOT_FOUND_EXPIRE_AT },
          { found: true, value: Buffer.from('one'), expireAtMs: 7 },
        ]);
      });

      it('gets many keys, a failing one carrying its error while the others are answered', async () => {
        handler.put('scores', 'ok1', 'one');
        const { results } = await client.getMany(
          { group: 'scores', keys: ['ok1', FAKE_KEYS.loadFails, FAKE_KEYS.bug], ...ctx },
          call,
        );
        expect(results).toEqual([
          { found: true, value: Buffer.from('one'), expireAtMs: 0 },
          {
            found: false,
            value: Buffer.alloc(0),
            expireAtMs: 0,
            error: { code: 'load_failed', message: expect.stringContaining('database is down') },
          },
          {
            found: false,
            value: Buffer.alloc(0),
            expireAtMs: 0,
            error: { code: 'internal', message: 'internal error' },
          },
        ]);
      });

      it('stores many entries, binary values unchanged, and drops many keys saying which were held', async () => {
        const entries = [
          { key: 'many/1', value: Buffer.from([0, 255, 0]), ttlMs: 60_000 },
          { key: 'ünï', value: Buffer.alloc(0), ttlMs: 0 },
        ];
        const { results } = await client.setMany({ group: 'scores', entries, ...ctx }, call);
        expect(results[0].expireAtMs).toBeGreaterThan(Date.now());
        expect(results[1]).toEqual({ expireAtMs: 0 });
        expect((await client.get({ group: 'scores', key: 'many/1', ...ctx }, call)).value).toEqual(
          Buffer.from([0, 255, 0]),
        );
        const dropped = await client.deleteMany(
          { group: 'scores', keys: ['many/1', 'ünï', 'none'], localOnly: true, ...ctx },
          call,
        );
        expect(dropped).toEqual({ results: [{ deleted: true }, { deleted: true }, { deleted: false }] });
        expect(handler.received.at(-1)).toMatchObject({ keys: ['many/1', 'ünï', 'none'], localOnly: true });
      });

      it('sets and deletes', async () => {
        const value = new Uint8Array([0, 1, 0, 2]);
        const { expireAtMs } = await client.set(
          { group: 'scores', key: 'set/me', value, ttlMs: 60_000, ...ctx },
          call,
        );
        expect(expireAtMs).toBeGreaterThan(Date.now());
        const got = await client.get({ group: 'scores', key: 'set/me', ...ctx }, call);
        expect(got.value).toEqual(Buffer.from(value));
        await expect(client.delete({ group: 'scores', key: 'set/me', ...ctx }, call)).resolves.toEqual({
          deleted: true,
        });
        await expect(client.delete({ group: 'scores', key: 'set/me', ...ctx }, call)).resolves.toEqual({
          deleted: false,
        });
        const { expireAtMs: never } = await client.set(
          { group: 'scores', key: 'k', value, ttlMs: 0, ...ctx },
          call,
        );
        expect(never).toBe(0);
      });

      it('gets a stale value as stale: true, and a fresh one without a stale property', async () => {
        handler.put('scores', 'old', 'was 630', 1_000, true);
        handler.put('scores', 'new', '640', 2_000);
        expect(await client.get({ group: 'scores', key: 'old', ...ctx }, call)).toStrictEqual({
          found: true,
          value: Buffer.from('was 630'),
          expireAtMs: 1_000,
          stale: true,
        });
        expect(await client.get({ group: 'scores', key: 'new', ...ctx }, call)).toStrictEqual({
          found: true,
          value: Buffer.from('640'),
          expireAtMs: 2_000,
        });
        expect(
          await client.get({ group: 'scores', key: FAKE_KEYS.staleNotFound, ...ctx }, call),
        ).toStrictEqual({
          found: false,
          value: Buffer.alloc(0),
          expireAtMs: NOT_FOUND_EXPIRE_AT,
          stale: true,
        });
      });

      it('gets many keys with their stale flags, in request order', async () => {
        handler.put('scores', 's/1', 'S', 3, true);
        handler.put('scores', 'f/1', 'F', 4);
        const { results } = await client.getMany(
          { group: 'scores', keys: ['s/1', 'f/1', 's/1'], ...ctx },
          call,
        );
        expect(results).toStrictEqual([
          { found: true, value: Buffer.from('S'), expireAtMs: 3, stale: true },
          { found: true, value: Buffer.from('F'), expireAtMs: 4 },
          { found: true, value: Buffer.from('S'), expireAtMs: 3, stale: true },
        ]);
      });

      it('deletes locally only when asked, and hands the handler localOnly either way', async () => {
        handler.put('scores', 'here/only', 'x');
        await expect(
          client.delete({ group: 'scores', key: 'here/only', ...ctx, localOnly: true }, call),
        ).resolves.toEqual({ deleted: true });
        // The peer names every request (its own id when the caller sent none).
        const requestId = expect.any(String);
        expect(handler.received.at(-1)).toEqual({
          group: 'scores',
          key: 'here/only',
          ...ctx,
          localOnly: true,
          requestId,
        });
        await client.delete({ group: 'scores', key: 'here/only', ...ctx }, call);
        expect(handler.received.at(-1)).toEqual({
          group: 'scores',
          key: 'here/only',
          ...ctx,
          localOnly: false,
          requestId,
        });
        await client.delete({ group: 'scores', key: 'here/only', ...ctx, localOnly: false }, call);
        expect(handler.received.at(-1)).toEqual({
          group: 'scores',
          key: 'here/only',
          ...ctx,
          localOnly: false,
          requestId,
        });
      });

      it('flushes a group and answers the generation after the call', async () => {
        const generation = 1_700_000_000_123;
        await expect(client.flush({ group: 'blobs', generation }, call)).resolves.toEqual({ generation });
        expect(handler.received.at(-1)).toEqual({ group: 'blobs', generation });
        await expect(client.flush({ group: 'blobs', generation: 2 }, call)).resolves.toEqual({ generation });
      });

      it('expires keys of several groups in one call, in order, and answers removed and scheduled', async () => {
        handler.put('scores', 'x/1', 'a', 10);
        handler.put('blobs', 'x 2', 'b', 20);
        handler.put('scores', 'soon', 'c', Date.now() + 500);
        const soon = handler.groups.get('scores')?.get('soon')?.expireAtMs ?? 0;
        const keys = [
          { group: 'scores', key: 'x/1', expireAtMs: 10 },
          { group: 'blobs', key: 'x 2', expireAtMs: 20 },
          { group: 'scores', key: 'soon', expireAtMs: soon },
          { group: 'scores', key: 'ünïcødé 😀', expireAtMs: 1_700_000_000_123 },
        ];
        await expect(client.expire({ keys }, call)).resolves.toEqual({ removed: 2, scheduled: 1 });
        expect(handler.received.at(-1)).toStrictEqual({ keys });
        await expect(client.expire({ keys: [] }, call)).resolves.toEqual({ removed: 0, scheduled: 0 });
      });
    });
  },
);
