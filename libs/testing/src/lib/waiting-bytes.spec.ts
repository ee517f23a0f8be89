import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

import { eventually } from './http';
import { bytesWaitingAt } from './waiting-bytes';

describe('bytesWaitingAt', () => {
  it('counts the bytes sent to a port that its server has not read, and none once it reads them', async () => {
    let accepted: Socket | undefined;
    const server = createServer((socket) => {
      accepted = socket;
      socket.pause(); // reads nothing, like a frozen process
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const client = connect({ host: '127.0.0.1', port });
    try {
      await once(client, 'connect');
      expect(bytesWaitingAt(port)).toBe(0);
      client.write('x'.repeat(100));
      await eventually('100 bytes waiting', () => bytesWaitingAt(port) === 100, 2_000);
      accepted?.on('data', () => undefined).resume();
      await eventually('nothing waiting', () => bytesWaitingAt(port) === 0, 2_000);
    } finally {
      client.destroy();
      accepted?.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
