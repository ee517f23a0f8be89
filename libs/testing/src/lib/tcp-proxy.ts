import { connect, createServer, type Server, type Socket } from 'node:net';

/** Where a {@link TcpProxy} listens. */
export interface ProxyListen {
  /** A loopback address. Default 127.0.0.1; another one (127.0.0.2) lets it take a port a server has on 127.0.0.1. */
  host?: string;
  /** Default: a free port. */
  port?: number;
}

/**
 * What a blackholed proxy does with the bytes it is sent. `drop`: they are lost, as when a server hangs
 * mid-answer. `hold`: they wait and are delivered in order by `forward()`, as TCP retransmits them once a
 * network partition heals — connections that outlive the partition carry on where they were.
 */
export type BlackholeMode = 'drop' | 'hold';

/**
 * A TCP proxy on a loopback port in front of a real server. It counts the connections it accepts (to see
 * how many a client opens), and fakes the server's or the network's faults without touching either:
 * `stop()` makes it go away (connections reset, new ones refused), `blackhole()` makes it hang (nothing
 * passes either way, new connections included), `restart()` / `forward()` bring it back. `stop()` is also
 * the teardown.
 */
export class TcpProxy {
  /** Both legs of every open connection, so `stop()` can reset them. */
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private blackholed: BlackholeMode | undefined;
  /**
   * What a `hold` blackhole keeps back, in arrival order: bytes, and the end or close of the other leg, each
   * with the socket it is for.
   */
  private held: [Socket, Buffer | 'end' | 'close'][] = [];
  private accepted = 0;
  private listenPort: number;
  private readonly listenHost: string;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
    listen: ProxyListen,
  ) {
    this.listenHost = listen.host ?? '127.0.0.1';
    this.listenPort = listen.port ?? 0;
  }

  /** Starts a proxy to `target` (`host:port`, IPv6 hosts in brackets), on a free loopback port by default. */
  static start(target: string, listen?: ProxyListen): Promise<TcpProxy>;
  /** Starts a proxy to `host`:`port`, on a free loopback port by default. */
  static start(host: string, port: number, listen?: ProxyListen): Promise<TcpProxy>;
  static async start(
    hostOrTarget: string,
    portOrListen?: number | ProxyListen,
    listen: ProxyListen = {},
  ): Promise<TcpProxy> {
    const [host, targetPort] =
      typeof portOrListen === 'number' ? [hostOrTarget, portOrListen] : splitAddress(hostOrTarget);
    const proxy = new TcpProxy(host, targetPort, typeof portOrListen === 'object' ? portOrListen : listen);
    await proxy.restart();
    return proxy;
  }

  /** The port the proxy listens on, kept across stop/restart. */
  get port(): number {
    return this.listenPort;
  }

  /** `<host>:<port>` it listens on, for clients that take `host:port`. */
  get address(): string {
    return `${this.listenHost}:${this.listenPort}`;
  }

  /** Connections accepted so far, across restarts. */
  get connections(): number {
    return this.accepted;
  }

  /** Listens again (on the same port after a stop) and forwards. */
  async restart(): Promise<void> {
    this.forward();
    if (this.server) return;
    // noDelay on both legs: Nagle's algorithm against delayed ACKs would add ~40 ms to every small call.
    const server = createServer({ noDelay: true }, (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, this.listenHost, () => resolve());
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
    this.held = [];
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Keeps connections open (and accepts new ones) but passes nothing, as when a server or the network hangs. */
  blackhole(mode: BlackholeMode = 'drop'): void {
    this.blackholed = mode;
  }

  /** Passes bytes again, first delivering those held by a `hold` blackhole. */
  forward(): void {
    this.blackholed = undefined;
    const held = this.held;
    this.held = [];
    for (const [to, what] of held) {
      if (to.destroyed) continue;
      // A leg that closed is ended rather than destroyed here, so the bytes written just before still go.
      if (what === 'end' || what === 'close') to.end();
      else to.write(what);
    }
  }

  private accept(client: Socket): void {
    this.accepted++;
    const upstream = connect({ host: this.targetHost, port: this.targetPort, noDelay: true });
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ]) {
      this.sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        if (this.blackholed === 'drop') return;
        if (this.blackholed === 'hold') {
          this.held.push([to, chunk]);
          return;
        }
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      from.on('end', () => (this.blackholed === 'hold' ? this.held.push([to, 'end']) : to.end()));
      from.on('error', () => this.blackholed !== 'hold' && to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        if (this.blackholed === 'hold') this.held.push([to, 'close']);
        else to.destroy();
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
