import { createServer } from 'node:net';

/** Ports handed out by this process, so two calls never return the same one before it is bound. */
const handedOut = new Set<number>();

/**
 * A TCP port free on 127.0.0.1 right now: the OS picks it (bind to port 0), and this process never hands
 * it out twice. Never one of ringcache's default ports, which a developer's own cluster may be using.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}
