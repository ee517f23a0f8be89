import {
  InvalidArgumentError,
  KeyTooLongError,
  RingcacheError,
  UnavailableError,
  type GetResponse,
  type PeerSet,
} from '@ringcache/cache-core';

/** Options of a {@link GatewayRouter}. */
export interface GatewayRouterOptions {
  /** The gateway's view of the cluster: a ring of the nodes (the gateway is not on it). */
  peers: PeerSet;
  /** Deadline of each call to a node, in ms. */
  deadlineMs: number;
  /** Longest key in UTF-8 bytes. */
  maxKeyBytes: number;
}

/** Counters of a gateway router. */
export interface GatewayRouterStats {
  /** Calls to owners, by result. */
  upstream: { ok: number; unavailable: number; error: number };
  /** Requests sent to the next owner because the owner was unreachable. */
  fallbacks: number;
  /** Requests that failed because no owner answered. */
  unavailable: number;
}

/**
 * Sends each request straight to its key's owner (one hop), as the nodes' own ring would; when the owner
 * is unreachable, to the next owner — marked as having made a hop, so that node answers it itself rather
 * than forwarding to the dead owner it may still have on its ring.
 */
export class GatewayRouter {
  private readonly peers: PeerSet;
  private readonly deadlineMs: number;
  private readonly maxKeyBytes: number;
  private readonly counters: GatewayRouterStats = {
    upstream: { ok: 0, unavailable: 0, error: 0 },
    fallbacks: 0,
    unavailable: 0,
  };

  constructor(options: GatewayRouterOptions) {
    this.peers = options.peers;
    this.deadlineMs = options.deadlineMs;
    this.maxKeyBytes = options.maxKeyBytes;
  }

  /** The value of `key` in `group`, from its owner. */
  async get(group: string, key: string): Promise<GetResponse> {
    this.checkKey(key);
    if (group.length === 0) throw new InvalidArgumentError('group must not be empty');
    const route = this.peers.route(`${group}/${key}`);
    let lastError: RingcacheError | undefined;
    for (let i = 0; i < route.length; i++) {
      const peer = route[i];
      if (peer === 'self') continue;
      if (i > 0) this.counters.fallbacks++;
      try {
        const response = await peer.get(
          { group, key, ringVersion: this.peers.ringVersion, hops: i },
          { deadlineMs: this.deadlineMs },
        );
        this.counters.upstream.ok++;
        return response;
      } catch (error) {
        if (error instanceof RingcacheError && error.code === 'peer_unavailable') {
          this.counters.upstream.unavailable++;
          lastError = error;
          continue;
        }
        this.counters.upstream.error++;
        throw error;
      }
    }
    this.counters.unavailable++;
    throw new UnavailableError(
      route.length === 0
        ? 'no cache nodes are known'
        : `no owner of ${group}/${key} answered: ${lastError?.message ?? ''}`,
      { cause: lastError },
    );
  }

  /** A snapshot of the counters. */
  stats(): GatewayRouterStats {
    return {
      upstream: { ...this.counters.upstream },
      fallbacks: this.counters.fallbacks,
      unavailable: this.counters.unavailable,
    };
  }

  private checkKey(key: string): void {
    if (key.length === 0) throw new InvalidArgumentError('key must not be empty');
    const bytes = Buffer.byteLength(key);
    if (bytes > this.maxKeyBytes) throw new KeyTooLongError(bytes, this.maxKeyBytes);
  }
}
