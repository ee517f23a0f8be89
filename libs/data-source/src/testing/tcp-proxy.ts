import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A TCP proxy on a free loopback port in front of a real server, to fake the server's faults without
 * touching it: `stop()` makes it go away (connections reset, new ones refused), `blackhole()` makes it
 * hang (bytes swallowed both ways), `restart()` / `forward()` bring it back.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private blackholed = false;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
    /** The port the proxy listens on, kept across stop/restart. */
    public port = 0,
  ) {}

  /** Starts a proxy to host:port on a free port. */
  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await proxy.restart();
    return proxy;
  }

  /** Listens again (on the same port after a stop) and forwards. */
  async restart(): Promise<void> {
    this.blackholed = false;
    if (this.server) return;
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
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
    const upstream = connect(this.targetPort, this.targetHost);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ]) {
      this.sockets.add(from);
      from.on('data', (chunk) => {
        if (!this.blackholed) to.write(chunk);
      });
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }
}
