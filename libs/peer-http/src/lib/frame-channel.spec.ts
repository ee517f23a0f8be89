import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import { PeerUnavailableError } from '@ringcache/cache-core';

import { FAKE_KEYS, FakePeerHandler } from '../testing/fake-peer-handler';
import { ctx } from '../testing/http-peer-client.fixtures';
import { startPeerApp, type PeerApp } from '../testing/start-peer-app';
import { FrameChannel } from './frame-channel';
import { decodeRequest, encodeResponseHead, FRAMES_PROTOCOL, FrameReader } from './frame-codec';
import { HttpPeerClient } from './http-peer-client';

const SWITCHING = `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${FRAMES_PROTOCOL}\r\n\r\n`;

describe('HttpPeerClient sending frames', () => {
  describe('to a node that serves them', () => {
    let handler: FakePeerHandler;
    let peer: PeerApp;
    let client: HttpPeerClient;
    /** The node's ends of the framed connections. */
    const upgraded: Duplex[] = [];
    const served = () => peer.frames?.served ?? 0;

    beforeAll(async () => {
      handler = new FakePeerHandler(['scores']);
      handler.put('scores', 'Tom', '630');
      peer = await startPeerApp(handler, { frames: true });
      (peer.app.getHttpServer() as Server).on('upgrade', (_request, socket: Duplex) => upgraded.push(socket));
    });
    beforeEach(() => (client = new HttpPeerClient({ name: 'node-b', address: peer.address })));
    afterEach(async () => {
      await client.close();
      handler.release();
    });
    afterAll(() => peer.close());

    it('sends the first call over HTTP, then every data call as a frame on one connection', async () => {
      const before = { served: served(), connections: peer.connections() };
      const get = () => client.get({ group: 'scores', key: 'Tom', ...ctx }, { deadlineMs: 5_000 });
      expect((await get()).value.toString()).toBe('630');
      expect(await client.framesReady()).toBe(true);
      const answers = await Promise.all(Array.from({ length: 1_000 }, get));
      expect(answers.every((a) => a.value.toString() === '630')).toBe(true);
      // 1,000 frames, on the connection the first call opened beside its own (HTTP) one.
      expect(served() - before.served).toBe(1_000);
      expect(peer.connections() - before.connections).toBe(2);
    });

    it('fails a call past its deadline with PeerUnavailableError, and the connection goes on', async () => {
      expect(await client.framesReady()).toBe(true);
      const started = performance.now();
      const error = await client
        .get({ group: 'scores', key: FAKE_KEYS.hang, ...ctx }, { deadlineMs: 200 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PeerUnavailableError);
      expect((error as Error).message).toContain('no answer within 200 ms');
      expect(performance.now() - started).toBeGreaterThanOrEqual(195);
      // The late answer, when it comes, is dropped; the next call is answered on the same connection.
      handler.release();
      const before = served();
      const next = await client.get({ group: 'scores', key: 'Tom', ...ctx }, { deadlineMs: 5_000 });
      expect(next.value.toString()).toBe('630');
      expect(served() - before).toBe(1);
    });

    it('fails the calls waiting on a connection the node closes, then goes on over HTTP', async () => {
      expect(await client.framesReady()).toBe(true);
      const hanging = client.get({ group: 'scores', key: FAKE_KEYS.hang, ...ctx }, { deadlineMs: 5_000 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const socket of upgraded) socket.destroy();
      await expect(hanging).rejects.toThrow(PeerUnavailableError);
      await expect(hanging).rejects.toThrow(/connection closed before the answer/);
      const before = served();
      const next = await client.get({ group: 'scores', key: 'Tom', ...ctx }, { deadlineMs: 5_000 });
      expect(next.value.toString()).toBe('630');
      expect(served()).toBe(before);
    });

    it('rejects waiting and later calls once closed', async () => {
      expect(await client.framesReady()).toBe(true);
      const hanging = client.get({ group: 'scores', key: FAKE_KEYS.hang, ...ctx }, { deadlineMs: 5_000 });
      await client.close();
      await expect(hanging).rejects.toThrow(/client is closed/);
      await expect(
        client.get({ group: 'scores', key: 'Tom', ...ctx }, { deadlineMs: 1_000 }),
      ).rejects.toThrow(/client is closed/);
      expect(await client.framesReady()).toBe(false);
    });
  });

  describe('to odd peers', () => {
    let server: Server;
    let client: HttpPeerClient;
    const upgraded: Duplex[] = [];
    const start = async (onUpgrade?: (socket: Duplex) => void) => {
      server = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'x-ringcache-expire-at': '0' });
        response.end('over http');
      });
      if (onUpgrade)
        server.on('upgrade', (_request, socket: Duplex) => {
          upgraded.push(socket);
          onUpgrade(socket);
        });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      client = new HttpPeerClient({
        name: 'odd',
        address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
      });
    };
    const get = () => client.get({ group: 'g', key: 'k', ...ctx }, { deadlineMs: 2_000 });
    afterEach(async () => {
      await client.close();
      server.closeAllConnections();
      for (const socket of upgraded.splice(0)) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('keeps to HTTP with a peer that answers the upgrade as a plain request', async () => {
      await start();
      expect(await client.framesReady()).toBe(false);
      expect((await get()).value.toString()).toBe('over http');
      // Refused: no new attempt for a while, so a call does not open a connection that is refused again.
      expect(await client.framesReady()).toBe(false);
    });

    it('drops a connection whose answers break the format, failing its calls, never hanging', async () => {
      await start((socket) => {
        socket.write(SWITCHING);
        socket.on('data', () => socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3])));
      });
      expect(await client.framesReady()).toBe(true);
      const error = await get().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PeerUnavailableError);
      expect((error as Error).message).toMatch(/connection broken: a frame of 4294967295 bytes/);
      // Back to HTTP until the next attempt.
      expect((await get()).value.toString()).toBe('over http');
    });

    it('sends calls over HTTP while the framed connection is backed up, failing none of those on it', async () => {
      // Takes the upgrade, then reads nothing: requests pile up on the connection.
      await start((socket) => {
        socket.write(SWITCHING);
        socket.pause();
      });
      const port = (server.address() as AddressInfo).port;
      const channel = new FrameChannel({ peer: 'odd', host: '127.0.0.1', port, maxUnsentBytes: 1 << 20 });
      try {
        expect(await channel.ready()).toBe(true);
        const body = Buffer.alloc(256 * 1024);
        const request = {
          operation: 'Set',
          method: 'PUT' as const,
          path: '/p',
          headers: {},
          body,
          deadlineMs: 60_000,
        };
        const framed: Promise<unknown>[] = [];
        let sent: Promise<unknown> | undefined;
        // Until 1 MiB of requests waits on the connection (written in one turn, none has left yet).
        while ((sent = channel.send(request)) !== undefined) {
          framed.push(sent.catch((error: unknown) => error));
          if (framed.length > 1_000) throw new Error('never backed up');
        }
        expect(framed.length).toBe(4);
        // Still up: the calls on it wait for their answers (or deadlines), and a later call may go on it once
        // it drains.
        expect(await channel.ready()).toBe(true);
        channel.close();
        for (const outcome of await Promise.all(framed))
          expect((outcome as Error).message).toMatch(/client is closed/);
      } finally {
        channel.close();
      }
    });

    it('takes an answer that came in time but was still unread when the deadline passed', async () => {
      await start((socket) => {
        socket.write(SWITCHING);
        const reader = new FrameReader(1 << 20, (frame) => {
          const { id } = decodeRequest(frame);
          const body = Buffer.from('framed');
          const headers = { 'content-type': 'application/octet-stream', 'x-ringcache-expire-at': '0' };
          socket.write(Buffer.concat([encodeResponseHead({ id, status: 200, headers }, body.length), body]));
          // The answer is sent at once; then this process's event loop is held past the call's deadline, so
          // its timer is due before the client's socket is read.
          const until = performance.now() + 300;
          while (performance.now() < until);
        });
        socket.on('data', (chunk: Buffer) => reader.push(chunk));
      });
      expect(await client.framesReady()).toBe(true);
      const answer = await client.get({ group: 'g', key: 'k', ...ctx }, { deadlineMs: 100 });
      expect(answer.value.toString()).toBe('framed');
    });

    it('takes a 101 for another protocol as a refusal', async () => {
      await start((socket) =>
        socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: other\r\n\r\n'),
      );
      expect(await client.framesReady()).toBe(false);
      expect((await get()).value.toString()).toBe('over http');
    });
  });
});
