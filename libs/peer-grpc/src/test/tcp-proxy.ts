import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

/** A TCP relay on a free loopback port that counts the connections it accepts. */
export interface TcpProxy {
  address: string;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** Starts a relay to `target` (`host:port`), so a test can see how many TCP connections a client opens. */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const [host, port] = [
    target.slice(0, target.lastIndexOf(':')),
    Number(target.slice(target.lastIndexOf(':') + 1)),
  ];
  const sockets = new Set<Socket>();
  let connections = 0;
  // noDelay on both legs: Nagle's algorithm against delayed ACKs would add ~40 ms to every small call.
  const server = createServer({ noDelay: true }, (inbound) => {
    connections++;
    const outbound = createConnection({ host, port, noDelay: true });
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    get connections() {
      return connections;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
