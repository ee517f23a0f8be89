import { Lru } from '@ringcache/lru';

/** Options of {@link PeerCopies}. */
export interface PeerCopiesOptions {
  /** Longest another node keeps a copy of a key it got from here (its hot cache's bound), in ms. */
  maxAgeMs: number;
  /** Keys remembered at most; past that, every write is taken to need the fan-out for a while. */
  maxKeys: number;
  now: () => number;
}

/**
 * What an owner knows of the copies other nodes may hold of its keys, so a write fans its invalidation
 * out only when one may exist. Another node keeps a copy of a key only when it fetched it from the owner
 * (a hot copy, kept at most `maxAgeMs`), or when the ring was changing (a key answered by a node that
 * no longer owns it, or not yet). So a copy may exist elsewhere when a peer fetched the key here within
 * `maxAgeMs`, when this node's ring changed within `maxAgeMs` (its start included), or when the record
 * itself overflowed within `maxAgeMs`; otherwise no node holds one, and the write needs no other call.
 */
export class PeerCopies {
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  /** Key → when a peer last got it from here. */
  private readonly served: Lru<string, number>;
  private ringVersion?: string;
  private ringChangedAt: number;
  private overflowedAt = -Infinity;

  constructor(options: PeerCopiesOptions) {
    this.maxAgeMs = options.maxAgeMs;
    this.now = options.now;
    this.ringChangedAt = options.now();
    this.served = new Lru<string, number>({
      maxBytes: options.maxKeys * 64,
      sizeOf: () => 64,
      now: options.now,
      onEvict: (_key, at, reason) => {
        // A key forgotten while its copies may live on: assume copies everywhere until they have aged out.
        if (reason === 'evict' && this.now() - at < this.maxAgeMs) this.overflowedAt = this.now();
      },
    });
  }

  /** A peer got `key` from here (an answer to a request that made a hop). */
  servedToPeer(key: string): void {
    this.served.set(key, this.now(), { ttlMs: this.maxAgeMs });
  }

  /** Whether another node may hold a copy of `key`, given this node's ring version now. */
  mayBeHeldElsewhere(key: string, ringVersion: string): boolean {
    const now = this.now();
    if (ringVersion !== this.ringVersion) {
      if (this.ringVersion !== undefined) this.ringChangedAt = now;
      this.ringVersion = ringVersion;
    }
    if (now - this.ringChangedAt < this.maxAgeMs || now - this.overflowedAt < this.maxAgeMs) return true;
    return this.served.get(key) !== undefined;
  }
}
