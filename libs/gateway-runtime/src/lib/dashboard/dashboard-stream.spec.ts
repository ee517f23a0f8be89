import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { eventually, rawConnection } from '@ringcache/testing';

import { DashboardStream, MAX_STREAMS, MAX_UNREAD_BYTES } from './dashboard-stream';

/** A client of the stream on a real socket: `read` false leaves everything the server sends unread. */
function client(port: number, read: boolean, requestId = 'r1') {
  const connection = rawConnection(port, { read });
  connection.socket.write(`GET /api/v1/events HTTP/1.1\r\nhost: x\r\nx-request-id: ${requestId}\r\n\r\n`);
  return connection;
}

/** The JSON answer `connection` gets, once whole: its status line, its head in lower case, and its body. */
async function jsonAnswer(
  connection: ReturnType<typeof client>,
): Promise<{ status: string; head: string; body: unknown }> {
  await eventually('the JSON answer', () => connection.received().endsWith('}'), 2_000);
  const raw = connection.received();
  const end = raw.indexOf('\r\n\r\n');
  return {
    status: raw.slice(0, raw.indexOf('\r\n')),
    head: raw.slice(0, end + 2).toLowerCase(),
    body: JSON.parse(raw.slice(end + 4)),
  };
}

describe('DashboardStream', () => {
  let stream: DashboardStream;
  let server: Server;
  let port: number;

  beforeEach(async () => {
    stream = new DashboardStream({ maxStreams: 2 });
    server = createServer((req, res) => stream.open(res, String(req.headers['x-request-id'])));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    stream.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('drops a page that stops reading once more than 1 MiB waits for it, and keeps the others', async () => {
    const stalled = client(port, false);
    const reader = client(port, true);
    await eventually('both streams open', () => stream.size === 2, 2_000);
    const payload = 'x'.repeat(64 * 1024);
    let sent = 0;
    // Loopback's socket buffers take a few MiB before bytes queue in the process: bounded at 64 MiB.
    for (let i = 0; i < 1024 && stream.size === 2; i++) {
      stream.send('sample', payload);
      sent += payload.length;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(stream.size).toBe(1);
    // The server closed its side: the page, reading again, finds the stream ended.
    stalled.socket.resume();
    await stalled.closed;
    // The page that reads got every event, the ones after the drop too.
    stream.send('sample', 'after');
    await eventually('the reader has every event', () => reader.received().length > sent, 2_000);
    reader.socket.destroy();
    await eventually('the reader gone', () => stream.size === 0, 2_000);
  });

  it('answers 503 overloaded while maxStreams are open, and opens a stream again once one has closed', async () => {
    const first = client(port, true);
    const second = client(port, true);
    await eventually('two streams open', () => stream.size === 2, 2_000);
    const refused = client(port, true, 'refused-1');
    const answer = await jsonAnswer(refused);
    expect(answer.status).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer.head).toContain('retry-after: 2\r\n');
    expect(answer.head).toContain('x-request-id: refused-1\r\n');
    expect(answer.body).toEqual({
      code: 'overloaded',
      message: '2 event streams are open, the most this gateway serves (gateway.maxEventStreams)',
    });
    expect(stream.size).toBe(2);
    // An event reaches the open streams only, not the refused client.
    stream.send('sample', 'one');
    await eventually(
      'both readers have it',
      () => [first, second].every((c) => c.received().includes('one')),
      2_000,
    );
    expect(refused.received()).not.toContain('event: sample');
    first.socket.destroy();
    await eventually('the first gone', () => stream.size === 1, 2_000);
    const next = client(port, true, 'next-1');
    await eventually('a new stream open', () => stream.size === 2, 2_000);
    expect(next.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(next.received().toLowerCase()).toContain('x-request-id: next-1\r\n');
    for (const c of [second, refused, next]) c.socket.destroy();
  });

  it('ends its streams on close, and then answers 503 unavailable with the request id', async () => {
    const open = client(port, true);
    await eventually('the stream open', () => stream.size === 1, 2_000);
    stream.close();
    // The chunked answer's last chunk: the stream ended, the connection kept.
    await eventually('the stream ended', () => open.received().endsWith('0\r\n\r\n'), 2_000);
    const late = client(port, true, 'late-1');
    const answer = await jsonAnswer(late);
    expect(answer.status).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer.head).toContain('x-request-id: late-1\r\n');
    expect(answer.head).toContain('content-type: application/json; charset=utf-8\r\n');
    expect(answer.body).toEqual({
      code: 'unavailable',
      message: 'the gateway is shutting down',
    });
    expect(stream.size).toBe(0);
    for (const c of [open, late]) c.socket.destroy();
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(MAX_UNREAD_BYTES).toBe(1024 * 1024);
    expect(MAX_STREAMS).toBe(64);
    for (const value of [0, -1, 1.5, Number.NaN]) {
      for (const name of ['maxUnreadBytes', 'maxStreams'] as const)
        expect(() => new DashboardStream({ [name]: value })).toThrow(
          `DashboardStream option ${name} must be a positive integer, got ${value}`,
        );
    }
  });
});
