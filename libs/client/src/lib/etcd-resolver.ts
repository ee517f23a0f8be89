import { experimental, Metadata, status, type ChannelOptions } from '@grpc/grpc-js';
import type { Etcd3 } from 'etcd3';

import { InvalidArgumentError, type Member } from '@ringcache/cache-core';
import { createEtcdClient, EtcdKeys, EtcdMembership, type DiscoveryLogger } from '@ringcache/discovery';

import type { RingcacheEtcdOptions } from './client-options';
import { resolveEtcdOptions } from './etcd-options';

/** The URI scheme of the resolver: targets are `ringcache-etcd:///<cluster>`. */
export const RINGCACHE_ETCD_SCHEME = 'ringcache-etcd';

/** The grpc-js target naming a cluster's nodes: `ringcache-etcd:///<cluster>`. */
export function ringcacheEtcdTarget(cluster = 'ringcache'): string {
  return `${RINGCACHE_ETCD_SCHEME}:///${cluster}`;
}

/** Options of {@link registerRingcacheResolver}: the etcd to read (the cluster comes from each target). */
export interface RingcacheResolverOptions extends Omit<RingcacheEtcdOptions, 'cluster'> {
  /** Where watch problems are reported. Default: warnings to console.warn, nothing else. */
  logger?: DiscoveryLogger;
}

/** The registration: the scheme, and a way to stop every watch it runs. */
export interface RingcacheResolverRegistration {
  readonly scheme: string;
  /** Watches running now (one per channel that uses the scheme and is not idle). */
  readonly activeWatches: number;
  /**
   * Stops every watch and closes the etcd connection. Channels using the scheme stop learning about
   * changes (grpc-js cannot unregister a resolver); close them first.
   */
  close(): Promise<void>;
}

const defaultLogger: DiscoveryLogger = {
  log: () => undefined,
  warn: (message) => console.warn(`ringcache resolver: ${message}`),
};

/**
 * Registers a grpc-js name resolver for `ringcache-etcd:///<cluster>`: a channel created with such a
 * target watches `ringcache/<cluster>/cache/` — the top-level service name every node registers under —
 * and connects to the nodes' gRPC addresses, following joins and leaves. One etcd connection is shared by
 * every channel of the registration, opened with the first and closed with the last.
 *
 * It finds nodes; it does not route keys. grpc-js spreads calls over the addresses by its load-balancing
 * policy (pick_first unless the channel's service config says round_robin), so a call usually lands on a
 * node that does not own its key and costs one more hop inside the cluster. RingcacheClient is what sends
 * each key to its owner. Registering again replaces the previous registration for new channels.
 */
export function registerRingcacheResolver(options: RingcacheResolverOptions): RingcacheResolverRegistration {
  const { logger: givenLogger, ...etcdGiven } = options ?? ({} as RingcacheResolverOptions);
  const etcd = resolveEtcdOptions(etcdGiven, 'registerRingcacheResolver options', false);
  if (
    givenLogger !== undefined &&
    (typeof givenLogger.log !== 'function' || typeof givenLogger.warn !== 'function')
  )
    throw new InvalidArgumentError(
      'registerRingcacheResolver option logger must have log() and warn() methods',
    );
  const logger = givenLogger ?? defaultLogger;
  const active = new Set<EtcdWatch>();
  let client: Etcd3 | undefined;
  let closed = false;

  const connection = {
    acquire(watch: EtcdWatch): Etcd3 {
      client ??= createEtcdClient(etcd);
      active.add(watch);
      return client;
    },
    release(watch: EtcdWatch): void {
      active.delete(watch);
      if (active.size > 0 || !client) return;
      client.close();
      client = undefined;
    },
    get closed() {
      return closed;
    },
  };

  class RingcacheEtcdResolver implements experimental.Resolver {
    private readonly keys: EtcdKeys;
    private watch?: EtcdWatch;

    constructor(
      target: experimental.GrpcUri,
      private readonly listener: experimental.ResolverListener,
      _channelOptions: ChannelOptions,
    ) {
      this.keys = new EtcdKeys(clusterOf(target));
    }

    /** The cluster name: what the channel sends as :authority unless `grpc.default_authority` says otherwise. */
    static getDefaultAuthority(target: experimental.GrpcUri): string {
      return clusterOf(target);
    }

    updateResolution(): void {
      if (connection.closed) {
        // grpc-js forbids calling the listener synchronously from updateResolution.
        process.nextTick(() => this.fail('the ringcache-etcd resolver registration is closed'));
        return;
      }
      // A live watch pushes every change as it comes, so a request to resolve again adds nothing — and
      // answering each one would loop: a result resets grpc-js's backoff, and its load balancer may ask again
      // at once. A watch is started on first use and after destroy() (when the channel went idle).
      this.watch ??= new EtcdWatch(connection, this.keys.caches, logger, {
        members: (members) => this.report(members),
        failed: (error) => this.fail(`reading ${this.keys.caches} from etcd failed: ${error.message}`),
      });
    }

    destroy(): void {
      void this.watch?.stop();
      this.watch = undefined;
    }

    private report(members: Member[]): void {
      if (members.length === 0) {
        this.fail(`no ringcache node is registered under ${this.keys.caches}`);
        return;
      }
      const endpoints = members.map((member) => {
        const address = experimental.splitHostPort(member.grpcAddress);
        return { addresses: [{ host: address?.host ?? member.grpcAddress, port: address?.port ?? 443 }] };
      });
      this.listener(experimental.statusOrFromValue(endpoints), {}, null, '');
    }

    /** Reports a resolution failure: calls fail at once with UNAVAILABLE and `details`, until nodes are known. */
    private fail(details: string): void {
      this.listener(
        experimental.statusOrFromError({ code: status.UNAVAILABLE, details, metadata: new Metadata() }),
        {},
        null,
        details,
      );
    }
  }

  experimental.registerResolver(RINGCACHE_ETCD_SCHEME, RingcacheEtcdResolver);
  return {
    scheme: RINGCACHE_ETCD_SCHEME,
    get activeWatches() {
      return active.size;
    },
    async close() {
      closed = true;
      await Promise.all([...active].map((watch) => watch.stop()));
    },
  };
}

/** The cluster of `ringcache-etcd:///<cluster>`; throws (failing the channel's creation) on anything else. */
function clusterOf(target: experimental.GrpcUri): string {
  if (target.authority) {
    throw new InvalidArgumentError(
      `${RINGCACHE_ETCD_SCHEME} targets take no authority: use ${RINGCACHE_ETCD_SCHEME}:///<cluster>, got ` +
        `${RINGCACHE_ETCD_SCHEME}://${target.authority}/${target.path}`,
    );
  }
  const cluster = target.path.replace(/^\/+/, '');
  if (!/^[a-z0-9-]{1,63}$/.test(cluster)) {
    throw new InvalidArgumentError(
      `${RINGCACHE_ETCD_SCHEME}:///<cluster> needs a cluster name of 1 to 63 of a-z 0-9 -, got ${JSON.stringify(cluster)}`,
    );
  }
  return cluster;
}

interface WatchEvents {
  members(members: Member[]): void;
  failed(error: Error): void;
}

interface SharedConnection {
  acquire(watch: EtcdWatch): Etcd3;
  release(watch: EtcdWatch): void;
}

/** First and longest wait before reading the prefix again after a failed read, in ms. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2_000;

/**
 * One resolver's watch of a prefix, on the registration's shared etcd connection. A failed first read is
 * reported and retried with backoff until it succeeds or the watch stops (grpc-js does not ask again by
 * itself after a failure); once reading, EtcdMembership follows reconnects on its own.
 */
class EtcdWatch {
  private readonly membership: EtcdMembership;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly connection: SharedConnection,
    prefix: string,
    logger: DiscoveryLogger,
    private readonly events: WatchEvents,
  ) {
    this.membership = new EtcdMembership({ client: connection.acquire(this), prefix, logger });
    this.membership.onChange((members) => {
      if (!this.stopped) events.members(members);
    });
    this.start(RETRY_FIRST_MS);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.membership.stop();
    this.connection.release(this);
  }

  /** Reads the prefix and watches it; settles after updateResolution returned, as grpc-js requires. */
  private start(delayMs: number): void {
    this.membership.start().then(
      () => {
        if (!this.stopped) this.events.members(this.membership.members());
      },
      (error: Error) => {
        if (this.stopped) return;
        this.events.failed(error);
        this.retryTimer = setTimeout(() => this.start(Math.min(delayMs * 2, RETRY_MAX_MS)), delayMs);
        this.retryTimer.unref();
      },
    );
  }
}
