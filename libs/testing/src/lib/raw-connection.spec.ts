import { createServer, type Server, type Socket } from 'node:net';

import { eventually } from './http';
import { rawConnection } from './raw-connection';

describe('rawConnection', () => {
  let server: Server;
  let port: number;
  const accepted: Socket[] = [];

  beforeAll(async () => {
    // Answers every chunk with it back, in capitals.
    server = createServer((socket) => {
      accepted.push(socket);
      // A client that closes with an answer unread resets the connection: not this server's concern.
      socket.on('error', () => undefined);
      socket.on('data', (chunk) => socket.write(chunk.toString().toUpperCase()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gathers what the server sends, and resolves closed when the server hangs up', async () => {
    const connection = rawConnection(port);
    connection.socket.write('ping');
    await eventually('the answer', () => connection.received() === 'PING', 2_000);
    accepted[accepted.length - 1].destroy();
    await connection.closed;
    expect(connection.socket.destroyed).toBe(true);
  });

  it('with read: false, takes nothing from the socket', async () => {
    const connection = rawConnection(port, { read: false });
    connection.socket.write('ping');
    await eventually('the server answered', () => accepted[1]?.bytesWritten === 4, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connection.received()).toBe('');
    // The answer waits in the kernel, not in this process.
    expect(connection.socket.bytesRead).toBe(0);
    connection.socket.destroy();
    await connection.closed;
  });
});
