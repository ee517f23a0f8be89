import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on a free loopback port in front of a real server. It counts the connections it accepts
 * (to see how many a client opens), and fakes the server's faults without touching it: `stop()` makes it
 * go away (connections reset, new ones refused), `blackhole()` makes it hang (bytes swallowed both ways),
 * `restart()` / `forward()` bring it back. `stop()` is also the teardown.
 */
export class TcpProxy {
  /** Both legs of every open connection, so `stop()` can reset them. */
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private blackholed = false;
  private accepted = 0;
  private listenPort = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Starts a proxy to `target` (`host:port`, IPv6 hosts in brackets) on a free loopback port. */
  static start(target: string): Promise<TcpProxy>;
  /** Starts a proxy to `host`:`port` on a free loopback port. */
  static start(host: string, port: number): Promise<TcpProxy>;
  static async start(hostOrTarget: string, port?: number): Promise<TcpProxy> {
    const [host, targetPort] = port === undefined ? splitAddress(hostOrTarget) : [hostOrTarget, port];
    const proxy = new TcpProxy(host, targetPort);
    await proxy.restart();
    return proxy;
  }

  /** The port the proxy listens on, kept across stop/restart. */
  get port(): number {
    return this.listenPort;
  }

  /** `127.0.0.1:<port>`, for clients that take `host:port`. */
  get address(): string {
    return `127.0.0.1:${this.listenPort}`;
  }

  /** Connections accepted so far, across restarts. */
  get connections(): number {
    return this.accepted;
  }

  /** Listens again (on the same port after a stop) and forwards. */
  async restart(): Promise<void> {
    this.blackholed = false;
    if (this.server) return;
    // noDelay on both legs: Nagle's algorithm against delayed ACKs would add ~40 ms to every small call.
    const server = createServer({ noDelay: true }, (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => resolve());
    });
    this.listenPort = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Stops listening and resets every open connection, as when a server dies. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Keeps connections open but passes nothing, as when a server or the network hangs. */
  blackhole(): void {
    this.blackholed = true;
  }

  /** Passes bytes again. */
  forward(): void {
    this.blackholed = false;
  }

  private accept(client: Socket): void {
    this.accepted++;
    const upstream = connect({ host: this.targetHost, port: this.targetPort, noDelay: true });
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ]) {
      this.sockets.add(from);
      from.on('data', (chunk) => {
        // Swallowed, not buffered, while blackholed: the bytes of a hang are lost, as on a real network.
        if (this.blackholed) return;
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }
}

/** `host:port` → [host, port]; brackets around an IPv6 host are dropped. */
function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535)
    throw new Error(`TcpProxy target must be host:port, got ${JSON.stringify(address)}`);
  return [address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port];
}
