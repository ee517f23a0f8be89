import { closeSync, openSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

import { openFds } from './process-fds';

describe('openFds', () => {
  it('counts this process’s descriptors, and sockets apart', async () => {
    const before = openFds(process.pid) ?? { fds: 0, sockets: 0 };
    expect(before.fds).toBeGreaterThan(2);
    const file = openSync(__filename, 'r');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const during = openFds(process.pid) ?? { fds: 0, sockets: 0 };
      expect(during.fds - before.fds).toBeGreaterThanOrEqual(2);
      expect(during.sockets - before.sockets).toBeGreaterThanOrEqual(1);
    } finally {
      closeSync(file);
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('is undefined for no pid or a process that is not there', () => {
    expect(openFds(undefined)).toBeUndefined();
    expect(openFds(2 ** 30)).toBeUndefined();
  });
});
