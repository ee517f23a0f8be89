import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  InvalidArgumentError,
  KeyTooLongError,
  LoadError,
  PeerUnavailableError,
  UnimplementedError,
  UnknownGroupError,
} from '@ringcache/cache-core';
import { freePort } from '@ringcache/testing';

import { FAKE_KEYS, FakePeerHandler, NOT_FOUND_EXPIRE_AT } from '../testing/fake-peer-handler';
import { startPeerApp, type PeerApp } from '../testing/start-peer-app';
import { HttpPeerClient } from './http-peer-client';

const call = { deadlineMs: 5_000 };
const ctx = { ringVersion: 'v1', hops: 1 };

describe('HttpPeerClient against a Nest peer on Fastify', () => {
  let handler: FakePeerHandler;
  let peer: PeerApp;
  let client: HttpPeerClient;

  beforeAll(async () => {
    handler = new FakePeerHandler(['scores', 'blobs']);
    peer = await startPeerApp(handler);
  });
  beforeEach(() => {
    client = new HttpPeerClient({ name: 'node-b', address: peer.address });
  });
  afterEach(async () => {
    await client.close();
    handler.release();
  });
  afterAll(() => peer.close());

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

    it.each(['a/b', '/lead/trail/', 'with space', 'ünïcødé 😀', '100%', '%2F', 'a?b#c&d=e', 'plus+', 'x:y'])(
      'gets the key %j exactly',
      async (key) => {
        handler.put('scores', key, `value of ${key}`);
        const { found, value } = await client.get({ group: 'scores', key, ...ctx }, call);
        expect(found).toBe(true);
        expect(Buffer.from(value).toString()).toBe(`value of ${key}`);
      },
    );

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
      expect(await client.get({ group: 'scores', key: FAKE_KEYS.staleNotFound, ...ctx }, call)).toStrictEqual(
        { found: false, value: Buffer.alloc(0), expireAtMs: NOT_FOUND_EXPIRE_AT, stale: true },
      );
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

  describe('errors the peer answers', () => {
    it('rejects an unknown group with UnknownGroupError, while a missing key resolves', async () => {
      const error = await client.get({ group: 'nope', key: 'Tom', ...ctx }, call).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnknownGroupError);
      expect(error).toMatchObject({
        code: 'unknown_group',
        message: 'unknown group "nope"',
        recoverable: false,
      });
      await expect(client.get({ group: 'scores', key: 'nope', ...ctx }, call)).resolves.toMatchObject({
        found: false,
      });
    });

    it('rejects a key that is too long with KeyTooLongError and the peer message', async () => {
      const error = await client
        .get({ group: 'scores', key: 'k'.repeat(300), ...ctx }, call)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeyTooLongError);
      expect(error).toMatchObject({
        code: 'key_too_long',
        message: 'key is 300 bytes, over the limit of 256',
      });
    });

    it('rejects a failed load with a recoverable LoadError', async () => {
      const error = await client
        .get({ group: 'scores', key: FAKE_KEYS.loadFails, ...ctx }, call)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LoadError);
      expect(error).toMatchObject({ code: 'load_failed', recoverable: true });
      expect((error as Error).message).toBe('loading scores/load-fails failed: database is down');
    });

    it("rejects the peer's own peer_unavailable as PeerUnavailableError", async () => {
      const error = await client
        .get({ group: 'scores', key: FAKE_KEYS.peerDown, ...ctx }, call)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PeerUnavailableError);
      expect(error).toMatchObject({ peer: 'node-b', operation: 'Get', recoverable: true });
    });

    it('rejects an invalid batch with InvalidArgumentError and a bug with internal', async () => {
      const empty = client.getMany({ group: 'scores', keys: [], ...ctx }, call);
      await expect(empty).rejects.toThrow(new InvalidArgumentError('keys must be a non-empty list'));
      const bug = await client
        .get({ group: 'scores', key: FAKE_KEYS.bug, ...ctx }, call)
        .catch((e: unknown) => e);
      expect(bug).toMatchObject({ code: 'internal', message: 'internal error', recoverable: false });
    });

    it('rejects a flush or expire naming an unknown group with UnknownGroupError', async () => {
      const flush = await client.flush({ group: 'nope', generation: 1 }, call).catch((e: unknown) => e);
      expect(flush).toBeInstanceOf(UnknownGroupError);
      expect(flush).toMatchObject({ code: 'unknown_group', message: 'unknown group "nope"' });
      const keys = [
        { group: 'scores', key: 'k', expireAtMs: 1 },
        { group: 'nope', key: 'k', expireAtMs: 1 },
      ];
      const expire = await client.expire({ keys }, call).catch((e: unknown) => e);
      expect(expire).toBeInstanceOf(UnknownGroupError);
      expect(expire).toMatchObject({ code: 'unknown_group', message: 'unknown group "nope"' });
    });

    it('rejects a flush or expire the peer cannot decode with InvalidArgumentError', async () => {
      await expect(client.flush({ group: 'scores', generation: -1 }, call)).rejects.toThrow(
        new InvalidArgumentError('body must be {"generation":<integer>} with a non-negative integer, got -1'),
      );
      await expect(client.flush({ group: 'scores', generation: 0.5 }, call)).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      await expect(
        client.expire({ keys: [{ group: 'scores', key: 'k', expireAtMs: Number.NaN }] }, call),
      ).rejects.toThrow(
        new InvalidArgumentError(
          'keys[0] must be {"group":<string>,"key":<string>,"expireAtMs":<non-negative integer>}',
        ),
      );
      const tooMany = Array.from({ length: 10_001 }, (_, i) => ({
        group: 'scores',
        key: `${i}`,
        expireAtMs: 1,
      }));
      await expect(client.expire({ keys: tooMany }, call)).rejects.toThrow(
        new InvalidArgumentError('at most 10000 keys per expire call, got 10001'),
      );
    });

    it('rejects an operation the peer does not serve with UnimplementedError', async () => {
      handler.delete = () => Promise.reject(new UnimplementedError('Delete'));
      try {
        const error = await client
          .delete({ group: 'scores', key: 'k', ...ctx }, call)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnimplementedError);
        expect(error).toMatchObject({ code: 'unimplemented', message: 'Delete is not served by this node' });
      } finally {
        handler.delete = FakePeerHandler.prototype.delete;
      }
      handler.flush = () => Promise.reject(new UnimplementedError('Flush'));
      try {
        await expect(client.flush({ group: 'scores', generation: 1 }, call)).rejects.toThrow(
          new UnimplementedError('Flush'),
        );
      } finally {
        handler.flush = FakePeerHandler.prototype.flush;
      }
    });
  });

  describe('connections and deadlines', () => {
    it('rejects PeerUnavailableError at about the deadline when the peer never answers', async () => {
      const started = performance.now();
      const error = await client
        .get({ group: 'scores', key: FAKE_KEYS.hang, ...ctx }, { deadlineMs: 200 })
        .catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(PeerUnavailableError);
      expect((error as Error).message).toBe('Get on peer node-b failed: no answer within 200 ms');
      expect(elapsed).toBeGreaterThanOrEqual(195);
      expect(elapsed).toBeLessThan(1_200);
      // The connection of the abandoned call is gone; the next call gets a fresh one and an answer.
      await expect(client.get({ group: 'scores', key: 'Tom', ...ctx }, call)).resolves.toMatchObject({
        found: true,
      });
    });

    it('reuses one keep-alive connection for 200 sequential calls', async () => {
      handler.put('scores', 'Tom', '630');
      const before = peer.connections();
      for (let i = 0; i < 200; i++) await client.get({ group: 'scores', key: 'Tom', ...ctx }, call);
      expect(peer.connections() - before).toBeLessThanOrEqual(2);
    });

    it('answers 1,000 concurrent gets', async () => {
      for (let i = 0; i < 100; i++) handler.put('scores', `c${i}`, `v${i}`);
      const before = peer.connections();
      const responses = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          client.get({ group: 'scores', key: `c${i % 100}`, ...ctx }, { deadlineMs: 20_000 }),
        ),
      );
      responses.forEach((response, i) => expect(Buffer.from(response.value).toString()).toBe(`v${i % 100}`));
      // maxSockets (64) bounds the connections; the rest wait for one.
      expect(peer.connections() - before).toBeLessThanOrEqual(64);
    });

    it('rejects every call after close() with PeerUnavailableError', async () => {
      await client.close();
      await expect(client.get({ group: 'scores', key: 'Tom', ...ctx }, call)).rejects.toThrow(
        new PeerUnavailableError('node-b', 'Get', 'client is closed'),
      );
      await expect(client.flush({ group: 'scores', generation: 1 }, call)).rejects.toThrow(
        new PeerUnavailableError('node-b', 'Flush', 'client is closed'),
      );
      await expect(client.expire({ keys: [] }, call)).rejects.toThrow(
        new PeerUnavailableError('node-b', 'Expire', 'client is closed'),
      );
    });

    it('rejects bad call input before sending: deadline, a key with no UTF-8 form, a bad header', async () => {
      await expect(
        client.get({ group: 'scores', key: 'Tom', ...ctx }, { deadlineMs: 0 }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(
        client.flush({ group: 'scores', generation: 1 }, { deadlineMs: Number.NaN }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(client.expire({ keys: [] }, { deadlineMs: -1 })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      await expect(client.get({ group: 'scores', key: '\ud800', ...ctx }, call)).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      const badVersion = { group: 'scores', key: 'Tom', ringVersion: 'v1\r\nx-evil: 1', hops: 0 };
      await expect(client.get(badVersion, call)).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });
});

describe('HttpPeerClient against unreachable or odd peers', () => {
  it('rejects PeerUnavailableError fast when nothing listens on the port', async () => {
    const port = await freePort(); // bound, then released: nothing listens there
    const client = new HttpPeerClient({ name: 'gone', address: `127.0.0.1:${port}` });
    const started = performance.now();
    const error = await client.get({ group: 'scores', key: 'Tom', ...ctx }, call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeerUnavailableError);
    expect((error as Error).message).toMatch(/^Get on peer gone failed: connect ECONNREFUSED/);
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(client.flush({ group: 'scores', generation: 1 }, call)).rejects.toThrow(
      /^Flush on peer gone failed: connect ECONNREFUSED/,
    );
    const expire = await client.expire({ keys: [] }, call).catch((e: unknown) => e);
    expect(expire).toBeInstanceOf(PeerUnavailableError);
    expect(expire).toMatchObject({ operation: 'Expire', recoverable: true });
    await client.close();
  });

  describe('with a raw node:http peer', () => {
    let server: Server;
    let client: HttpPeerClient;
    let connections: number;
    const start = async (listener: Parameters<typeof createServer>[1]) => {
      connections = 0;
      server = createServer(listener);
      server.on('connection', () => connections++);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      client = new HttpPeerClient({
        name: 'raw',
        address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
      });
    };
    afterEach(async () => {
      await client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('sends a call again on a fresh connection when a kept-alive one turns out closed', async () => {
      // Answers the first request of each connection, then resets it on the second: a peer that closed
      // an idle keep-alive socket just as the client reused it.
      const served = new WeakMap<object, number>();
      await start((req, res) => {
        const n = (served.get(req.socket) ?? 0) + 1;
        served.set(req.socket, n);
        if (n > 1) return void req.socket.destroy();
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-ringcache-expire-at': '0' });
        res.end('ok');
      });
      await expect(client.get({ group: 'g', key: 'k', ...ctx }, call)).resolves.toMatchObject({
        found: true,
      });
      await expect(client.get({ group: 'g', key: 'k', ...ctx }, call)).resolves.toMatchObject({
        found: true,
      });
      expect(connections).toBe(2);
    });

    it('rejects answers it cannot trust instead of guessing', async () => {
      await start((req, res) => {
        if (req.method === 'GET') {
          res.writeHead(200, { 'content-type': 'application/octet-stream' }); // no expiry header
          return void res.end('x');
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ results: [] }));
      });
      await expect(client.get({ group: 'g', key: 'k', ...ctx }, call)).rejects.toThrow(
        /malformed answer: no valid x-ringcache-expire-at/,
      );
      await expect(client.getMany({ group: 'g', keys: ['a'], ...ctx }, call)).rejects.toThrow(
        /malformed answer: 0 results for 1 keys/,
      );
      await expect(
        client.set({ group: 'g', key: 'k', value: new Uint8Array(), ttlMs: 0, ...ctx }, call),
      ).rejects.toThrow(/malformed answer: unexpected body/);
      await expect(client.flush({ group: 'g', generation: 1 }, call)).rejects.toThrow(
        /Flush on peer raw: malformed answer: unexpected body/,
      );
      await expect(client.expire({ keys: [] }, call)).rejects.toThrow(
        /Expire on peer raw: malformed answer: unexpected body/,
      );
    });

    it('rejects a stale header other than 1, and batch results with a stale flag that is not a boolean', async () => {
      await start((req, res) => {
        if (req.method === 'GET') {
          res.writeHead(200, { 'x-ringcache-expire-at': '0', 'x-ringcache-stale': 'yes' });
          return void res.end('x');
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ results: [{ found: true, value: '', expireAtMs: 0, stale: 'yes' }] }));
      });
      await expect(client.get({ group: 'g', key: 'k', ...ctx }, call)).rejects.toThrow(
        /malformed answer: x-ringcache-stale is "yes", not 1/,
      );
      await expect(client.getMany({ group: 'g', keys: ['a'], ...ctx }, call)).rejects.toThrow(
        /malformed answer: unexpected body/,
      );
    });

    it('sends Flush and Expire as JSON to the documented paths, without ring headers', async () => {
      const seen: { method?: string; url?: string; type?: string; hops?: string; body: string }[] = [];
      await start((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          seen.push({
            method: req.method,
            url: req.url,
            type: req.headers['content-type'],
            hops: req.headers['x-ringcache-hops'] as string | undefined,
            body: Buffer.concat(chunks).toString(),
          });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(req.url?.endsWith(':flush') ? '{"generation":9}' : '{"removed":1,"scheduled":2}');
        });
      });
      await expect(client.flush({ group: 'a:b/c', generation: 9 }, call)).resolves.toEqual({ generation: 9 });
      const key = { group: 'g', key: 'k', expireAtMs: 5 };
      await expect(client.expire({ keys: [{ ...key, extra: 1 } as typeof key] }, call)).resolves.toEqual({
        removed: 1,
        scheduled: 2,
      });
      await client.delete({ group: 'g', key: 'k', ...ctx, localOnly: true }, call).catch(() => undefined);
      expect(seen).toEqual([
        {
          method: 'POST',
          url: '/_ringcache/a%3Ab%2Fc:flush',
          type: 'application/json',
          hops: undefined,
          body: '{"generation":9}',
        },
        {
          method: 'POST',
          url: '/_ringcache/:expire',
          type: 'application/json',
          hops: undefined,
          body: '{"keys":[{"group":"g","key":"k","expireAtMs":5}]}',
        },
        { method: 'DELETE', url: '/_ringcache/g/k?localOnly=1', type: undefined, hops: '1', body: '' },
      ]);
    });

    it('treats a 404 that is not a "not found" as an error', async () => {
      await start((_req, res) => {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<h1>no such route</h1>');
      });
      await expect(client.get({ group: 'g', key: 'k', ...ctx }, call)).rejects.toMatchObject({
        code: 'internal',
      });
    });
  });
});

describe('HttpPeerClient options', () => {
  it.each(['127.0.0.1:8101', 'node-a.local:1', '[::1]:8101'])('accepts the address %s', (address) => {
    expect(() => new HttpPeerClient({ name: 'a', address }).close()).not.toThrow();
  });

  it.each(['127.0.0.1', ':8101', '127.0.0.1:0', '127.0.0.1:65536', '::1:8101', 'http://a:1', ''])(
    'refuses the address %j, naming the option',
    (address) => {
      expect(() => new HttpPeerClient({ name: 'a', address })).toThrow(
        `HttpPeerClient option address must be host:port, got ${JSON.stringify(address)}`,
      );
    },
  );

  it('refuses an empty name and a maxSockets that is not a positive integer', () => {
    expect(() => new HttpPeerClient({ name: '', address: 'a:1' })).toThrow(/option name/);
    expect(() => new HttpPeerClient({ name: 'a', address: 'a:1', maxSockets: 0 })).toThrow(
      'HttpPeerClient option maxSockets must be a positive integer, got 0',
    );
  });
});
