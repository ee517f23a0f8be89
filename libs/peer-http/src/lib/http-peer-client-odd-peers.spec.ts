import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { PeerUnavailableError } from '@ringcache/cache-core';
import { freePort } from '@ringcache/testing';

import { call, ctx } from '../testing/http-peer-client.fixtures';
import { HttpPeerClient } from './http-peer-client';

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
      // Raw HTTP peers: the calls travel as HTTP requests only (a framed connection is one more).
      client = new HttpPeerClient({
        name: 'raw',
        address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
        frames: false,
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

    it('takes an answer that came in time but was still unread when the deadline passed', async () => {
      await start((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-ringcache-expire-at': '0' });
        // Once the answer is handed to the connection, this process's event loop is held past the call's
        // deadline, so its timer is due before the client's socket is read.
        res.end('in time', () => {
          const until = performance.now() + 300;
          while (performance.now() < until);
        });
      });
      const answer = await client.get({ group: 'g', key: 'k', ...ctx }, { deadlineMs: 100 });
      expect(answer.value.toString()).toBe('in time');
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
