import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { eventually, rawConnection } from '@ringcache/testing';

import { DashboardStream, MAX_UNREAD_BYTES } from './dashboard-stream';

/** A client of the stream on a real socket: `read` false leaves everything the server sends unread. */
function client(port: number, read: boolean) {
  const connection = rawConnection(port, { read });
  connection.socket.write('GET /api/v1/events HTTP/1.1\r\nhost: x\r\n\r\n');
  return connection;
}

describe('DashboardStream', () => {
  let stream: DashboardStream;
  let server: Server;
  let port: number;

  beforeEach(async () => {
    stream = new DashboardStream();
    server = createServer((_, res) => stream.open(res));
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

  it('refuses a bound that is not a positive integer', () => {
    expect(MAX_UNREAD_BYTES).toBe(1024 * 1024);
    for (const maxUnreadBytes of [0, -1, 1.5, Number.NaN])
      expect(() => new DashboardStream({ maxUnreadBytes })).toThrow(
        `DashboardStream option maxUnreadBytes must be a positive integer, got ${maxUnreadBytes}`,
      );
  });
});
