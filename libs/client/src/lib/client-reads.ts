import { NearCache, type ClusterRouter, type GetResponse, type Member } from '@ringcache/cache-core';
import { InvalidationSubscriptions, type SubscriptionLogger } from '@ringcache/peer-http';
import type { TlsMaterial } from '@ringcache/tls';

/** The near cache's settings, validated (see RingcacheClientOptions.nearCache). */
export interface ResolvedNearCacheOptions {
  maxBytes: number;
  maxAgeMs: number;
}

/** Counters of the client's near cache: hits, misses, size, invalidations, and whether it serves now. */
export type NearCacheStats = ReturnType<NearCache['stats']>;

/**
 * The client's reads: through its near cache when it has one, else straight to the owners. The near cache
 * is the gateway's own (NearCache): it keeps what reads brought, is fed by every node's invalidation
 * stream, serves nothing while any stream is down, and keeps out an answer fetched before a write of its
 * key (the write fence). Writes through this client drop the local copy too, before they return.
 */
export class ClientReads {
  private readonly near?: NearCache;
  private readonly subscriptions?: InvalidationSubscriptions;

  constructor(
    private readonly router: ClusterRouter,
    options: ResolvedNearCacheOptions | undefined,
    logger: SubscriptionLogger,
    tls?: TlsMaterial,
  ) {
    if (!options) return;
    // Counting hot keys is for the gateway's /hot: a client has no one to tell.
    this.near = new NearCache({ maxBytes: options.maxBytes, maxAgeMs: options.maxAgeMs, hotKeyCapacity: 0 });
    this.subscriptions = new InvalidationSubscriptions(this.near, logger, tls);
  }

  /**
   * The near cache's copy of `group/key`, or undefined: none held, no near cache, or not serving (a stream
   * down, or not started). A copy is only ever stored for names a read checked, so a hit needs no check.
   */
  held(group: string, key: string): GetResponse | undefined {
    return this.near && typeof group === 'string' && typeof key === 'string'
      ? this.near.get(group, key)
      : undefined;
  }

  /** The owner's answer for `group/key`, kept in the near cache for next time: a read `held` did not answer. */
  fetch(group: string, key: string): Promise<GetResponse> {
    const near = this.near;
    const fetch = () => this.router.get(group, key);
    return near ? near.fill(group, key, fetch) : fetch();
  }

  /** Answers for many keys of a group, in order: copies held here, the rest in one router call. */
  async getMany(group: string, keys: string[]): Promise<GetResponse[]> {
    const near = this.near;
    if (!near) return this.router.getMany(group, keys);
    const answers: (GetResponse | undefined)[] = keys.map((key) => near.get(group, key));
    const missing = keys.filter((_, i) => answers[i] === undefined);
    if (missing.length === 0) return answers as GetResponse[];
    const started = missing.map((key) => near.begin(group, key));
    let fetched: GetResponse[];
    try {
      fetched = await this.router.getMany(group, missing);
    } catch (error) {
      for (const key of missing) near.abandon(group, key);
      throw error;
    }
    missing.forEach((key, i) => near.store(group, key, fetched[i], started[i]));
    let next = 0;
    return answers.map((answer) => answer ?? fetched[next++]);
  }

  /** A write of `group/key` through this client: its copy here is dropped. */
  wrote(group: string, key: string): void {
    this.near?.invalidate({ kind: 'key', group, key });
  }

  /** A flush of `group` through this client: every copy here is dropped. */
  flushed(group: string): void {
    this.near?.invalidate({ kind: 'flush', group, generation: 0 });
  }

  /** Follows the ring: one invalidation stream per node. */
  update(members: Member[]): void {
    this.subscriptions?.update(members);
  }

  /** The near cache's counters, or undefined without one. */
  stats(): NearCacheStats | undefined {
    return this.near?.stats();
  }

  /** Closes every invalidation stream. */
  stop(): void {
    this.subscriptions?.stop();
  }
}
