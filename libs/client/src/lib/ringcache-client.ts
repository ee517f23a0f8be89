import {
  ClusterRouter,
  InvalidArgumentError,
  MAX_BATCH_KEYS,
  PeerSet,
  PeerSkips,
  UnavailableError,
  type ClusterRouterStats,
  type FlushResult,
  type Member,
  type PeerSkipCount,
} from '@ringcache/cache-core';
import { peerConnector } from '@ringcache/discovery';

import { withTimeout } from './call-timeout';
import { batchWrite, checkedConnector, entryOf, type CacheEntry } from './client-calls';
import { ClientReads, type NearCacheStats } from './client-reads';
import { clientDiscovery, type ClientDiscovery } from './client-discovery';
import {
  MAX_TIMER_MS,
  resolveClientOptions,
  type ClientTransport,
  type ResolvedClientOptions,
  type RingcacheClientOptions,
} from './client-options';
import { ClientClosedError, NotFoundError } from './errors';
import { countedOutlierDetection } from './node-skips';
import { integer } from './option-checks';
import { checkName, ttlMs, valueBytes, type CacheValue } from './request-values';

/** Per-call options of every method. */
export interface RequestOptions {
  /** Longest this call may take, in ms. Default: the client's `timeoutMs`. */
  timeoutMs?: number;
}

/** Options of `set`. */
export interface SetOptions extends RequestOptions {
  /** Time to live: ms, or a duration such as "30s", "5m", "1h30m" (1 s to 30 days). Default: the group's TTL. */
  ttl?: number | string;
}

/** Called with the whole member list each time the client's ring changes. */
export type MembersListener = (members: Member[]) => void;

/** First and longest wait between attempts to read the member list from etcd, in ms. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2_000;

/**
 * The ringcache SDK: finds the cache nodes (in etcd, as the gateway does, or from a fixed list), keeps
 * its own consistent-hash ring of them, and calls each key's owner directly over gRPC (or HTTP, with
 * `transport: 'http'`) — one hop, no gateway. Reads that find the owner unreachable are asked of the next
 * owner; writes go to the owner only. Every call has a deadline per node (`deadlineMs`) and a bound on
 * the whole call (`timeoutMs`). Routing, fallback and batching are cache-core's ClusterRouter, the
 * gateway's own, whatever the transport.
 *
 * Create one per process and share it; `close()` releases every connection and the etcd connection.
 */
export class RingcacheClient {
  private readonly options: ResolvedClientOptions;
  private readonly peers: PeerSet;
  private readonly discovery: ClientDiscovery;
  private readonly router: ClusterRouter;
  /** Reads, through the near cache when there is one. */
  private readonly reads: ClientReads;
  /** Settles (never rejects) after the first attempt to read the member list; calls wait for it. */
  private readonly started: Promise<void>;
  private readonly waiters = new Set<(error?: Error) => void>();
  private readonly listeners = new Set<MembersListener>();
  private lastDiscoveryError?: Error;
  /** Outlier detection's decisions, by node. */
  private readonly skips = new PeerSkips();
  private retryTimer?: NodeJS.Timeout;
  private closing?: Promise<void>;

  constructor(options: RingcacheClientOptions) {
    this.options = resolveClientOptions(options);
    const { transport, grpc, http, batching, tls } = this.options;
    const outlierDetection = countedOutlierDetection(this.options, this.skips);
    const connect = checkedConnector(
      transport,
      peerConnector(transport, { grpc, http, batching, outlierDetection, tls }),
    );
    this.peers = new PeerSet({
      connect,
      ring: { vnodes: this.options.vnodes, probes: this.options.probes },
    });
    this.discovery = clientDiscovery(this.options.discovery, this.options.logger);
    this.router = new ClusterRouter({
      peers: this.peers,
      deadlineMs: this.options.deadlineMs,
      maxKeyBytes: this.options.maxKeyBytes,
      nextGeneration: (group) => this.discovery.nextGeneration(group),
    });
    this.reads = new ClientReads(this.router, this.options.nearCache, this.options.logger, tls);
    this.discovery.membership.onChange(() => this.apply());
    this.started = this.start(RETRY_FIRST_MS);
  }

  /** How the client finds nodes: `etcd` or `static`. */
  get discoveryKind(): 'etcd' | 'static' {
    return this.discovery.kind;
  }

  /** The protocol the client calls the nodes with: `grpc` or `http`. */
  get transport(): ClientTransport {
    return this.options.transport;
  }

  /** The ring's version (a hash of the member names), as the nodes compute it. */
  get ringVersion(): string {
    return this.peers.ringVersion;
  }

  /** The nodes on the client's ring, sorted by name. */
  members(): Member[] {
    return this.peers.members();
  }

  /** The name of the node that owns `group/key` on the client's ring; undefined when no node is known. */
  owner(group: string, key: string): string | undefined {
    return this.peers.owner(`${group}/${key}`);
  }

  /** Calls `listener` with the member list each time the ring changes; returns the unsubscribe function. */
  onMembersChange(listener: MembersListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Counters of calls to nodes: by result, fallbacks to the next owner, calls no node answered. */
  stats(): ClusterRouterStats {
    return this.router.stats();
  }

  /** What outlier detection did with each node it skipped: times skipped, times back, whether skipped now. */
  nodeSkips(): PeerSkipCount[] {
    return this.skips.stats();
  }

  /** The near cache's counters (hits, misses, size, whether it serves now); undefined without one. */
  nearCacheStats(): NearCacheStats | undefined {
    return this.reads.stats();
  }

  /**
   * Resolves once at least one node is known. Rejects with UnavailableError after `timeoutMs` (default:
   * the `readyTimeoutMs` option) saying where it looked, and with ClientClosedError if the client closes.
   */
  ready(timeoutMs?: number): Promise<void> {
    if (this.closing) return Promise.reject(new ClientClosedError('ready'));
    if (this.peers.size > 0) return Promise.resolve();
    let limit: number;
    try {
      limit = integer('ready timeoutMs', timeoutMs, this.options.readyTimeoutMs, 1, MAX_TIMER_MS);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = (error?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => waiter(new UnavailableError(this.notReady(limit))), limit);
      this.waiters.add(waiter);
    });
  }

  /** The value of `key` in `group`, or undefined when the source of truth has no such key. */
  async get(group: string, key: string, options?: RequestOptions): Promise<Buffer | undefined> {
    const entry = await this.getEntry(group, key, options);
    return entry.found ? entry.value : undefined;
  }

  /** The value of `key` in `group`; rejects with NotFoundError when the source has no such key. */
  async getOrThrow(group: string, key: string, options?: RequestOptions): Promise<Buffer> {
    const entry = await this.getEntry(group, key, options);
    if (!entry.found) throw new NotFoundError(group, key);
    return entry.value;
  }

  /** The answer for `key` in `group` with its expiry and staleness. */
  async getEntry(group: string, key: string, options?: RequestOptions): Promise<CacheEntry> {
    // A near-cache hit is answered at once, without the timer and the waits of a call to a node.
    const held = this.closing ? undefined : this.reads.held(group, key);
    if (held) return entryOf(held);
    return this.call('get', options, async () => {
      checkName('group', group);
      checkName('key', key);
      return entryOf(await this.reads.fetch(group, key));
    });
  }

  /**
   * The values of many keys of one group, in the order asked (undefined for keys not found): one GetMany
   * per owner, in parallel, and in batches of 1,000 keys.
   */
  async getMany(group: string, keys: string[], options?: RequestOptions): Promise<(Buffer | undefined)[]> {
    const entries = await this.getManyEntries(group, keys, options);
    return entries.map((entry) => (entry.found ? entry.value : undefined));
  }

  /** {@link getMany} with each key's expiry and staleness. */
  async getManyEntries(group: string, keys: string[], options?: RequestOptions): Promise<CacheEntry[]> {
    return this.call('getMany', options, async () => {
      checkName('group', group);
      if (!Array.isArray(keys)) throw new InvalidArgumentError('keys must be an array of strings');
      keys.forEach((key) => checkName('key', key));
      if (keys.length === 0) return [];
      const batches: string[][] = [];
      for (let i = 0; i < keys.length; i += MAX_BATCH_KEYS) batches.push(keys.slice(i, i + MAX_BATCH_KEYS));
      const answers = await Promise.all(batches.map((batch) => this.reads.getMany(group, batch)));
      return answers.flat().map(entryOf);
    });
  }

  /**
   * Stores a value at the key's owner, which drops every other copy. Values are bytes; text is stored as
   * UTF-8. Resolves with the entry's absolute expiry (ms since the epoch; 0 = never).
   */
  async set(
    group: string,
    key: string,
    value: CacheValue,
    options?: SetOptions,
  ): Promise<{ expireAtMs: number }> {
    return this.call('set', options, async () => {
      checkName('group', group);
      checkName('key', key);
      const bytes = valueBytes(value, this.options.maxValueBytes);
      try {
        return await this.router.set(group, key, bytes, ttlMs(options?.ttl));
      } finally {
        this.reads.wrote(group, key);
      }
    });
  }

  /**
   * Stores many values of one group: one call per owner (and per 1,000 entries), in parallel. Every entry
   * is checked first, so a bad one stores nothing. Resolves with each entry's expiry, in order; rejects with
   * BatchWriteError (carrying each entry's outcome) when some owners could not be reached.
   */
  async setMany(
    group: string,
    entries: { key: string; value: CacheValue; ttl?: number | string }[],
    options?: RequestOptions,
  ): Promise<{ expireAtMs: number }[]> {
    return this.call('setMany', options, async () => {
      checkName('group', group);
      if (!Array.isArray(entries))
        throw new InvalidArgumentError('entries must be an array of { key, value, ttl? }');
      const checked = entries.map((entry, i) => {
        if (typeof entry !== 'object' || entry === null)
          throw new InvalidArgumentError(`entries[${i}] must be { key, value, ttl? }`);
        return {
          key: checkName('key', entry.key),
          value: valueBytes(entry.value, this.options.maxValueBytes),
          ttlMs: ttlMs(entry.ttl),
        };
      });
      try {
        return await batchWrite('setMany', checked, (part) => this.router.setMany(group, part));
      } finally {
        for (const { key } of checked) this.reads.wrote(group, key);
      }
    });
  }

  /** Invalidates many keys of one group cluster-wide, as `delete` each; resolves whether each was held. */
  async deleteMany(group: string, keys: string[], options?: RequestOptions): Promise<boolean[]> {
    return this.call('deleteMany', options, async () => {
      checkName('group', group);
      if (!Array.isArray(keys)) throw new InvalidArgumentError('keys must be an array of strings');
      keys.forEach((key) => checkName('key', key));
      try {
        const results = await batchWrite('deleteMany', keys, (part) => this.router.deleteMany(group, part));
        return results.map((r) => r.deleted);
      } finally {
        for (const key of keys) this.reads.wrote(group, key);
      }
    });
  }

  /**
   * Invalidates a key cluster-wide: its owner drops it and tells every other node. Resolves true when the
   * owner held it; either way no node serves it afterwards (a later get loads it again).
   */
  async delete(group: string, key: string, options?: RequestOptions): Promise<boolean> {
    return this.call('delete', options, async () => {
      checkName('group', group);
      checkName('key', key);
      try {
        return (await this.router.delete(group, key)).deleted;
      } finally {
        this.reads.wrote(group, key);
      }
    });
  }

  /**
   * Flushes a group on every node: a new generation (raised in etcd, where every node watches it; from the
   * clock with a fixed list), then every node is told directly. Nodes that did not answer are listed in
   * `unreachable`; with etcd they apply the generation when they read it.
   */
  async flush(group: string, options?: RequestOptions): Promise<FlushResult> {
    return this.call('flush', options, async () => {
      try {
        return await this.router.flush(checkName('group', group));
      } finally {
        this.reads.flushed(group);
      }
    });
  }

  /** Stops discovery, closes every channel and the etcd connection. Calls in flight fail; later calls reject. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.retryTimer);
    for (const waiter of [...this.waiters]) waiter(new ClientClosedError('ready'));
    this.listeners.clear();
    this.reads.stop();
    await this.discovery.close().catch(() => undefined);
    await this.peers.close();
    this.options.tls?.close();
  }

  /** Runs one method: waits for the first member list, and bounds the whole call by its timeout. */
  private async call<T>(
    operation: string,
    options: RequestOptions | undefined,
    run: () => Promise<T>,
  ): Promise<T> {
    if (this.closing) throw new ClientClosedError(operation);
    const timeoutMs = integer(
      `${operation} option timeoutMs`,
      options?.timeoutMs,
      this.options.timeoutMs,
      1,
      MAX_TIMER_MS,
    );
    const work = (async () => {
      await this.started;
      if (this.closing) throw new ClientClosedError(operation);
      return run();
    })();
    return withTimeout(
      work,
      timeoutMs,
      () => new UnavailableError(`${operation}: no answer within ${timeoutMs} ms (timeoutMs)`),
    );
  }

  /** Reads the member list, retrying with backoff until it succeeds or the client closes. */
  private async start(delayMs: number): Promise<void> {
    try {
      await this.discovery.membership.start();
      this.lastDiscoveryError = undefined;
      this.apply();
    } catch (error) {
      if (this.closing) return;
      this.lastDiscoveryError = error as Error;
      const next = Math.min(delayMs * 2, RETRY_MAX_MS);
      this.options.logger.warn(
        `reading the cache nodes from ${this.discovery.source} failed (${(error as Error).message}); retrying in ${delayMs} ms`,
      );
      this.retryTimer = setTimeout(() => void this.start(next), delayMs);
      // A client that is never closed must not keep its process alive just to retry.
      this.retryTimer.unref();
    }
  }

  /** Applies the current member list to the ring and tells whoever waits. */
  private apply(): void {
    if (this.closing) return;
    const changed = this.peers.update(this.discovery.membership.members());
    this.reads.update(this.peers.members());
    if (this.peers.size > 0) for (const waiter of [...this.waiters]) waiter();
    if (!changed) return;
    const members = this.peers.members();
    for (const listener of this.listeners) listener(members);
  }

  private notReady(timeoutMs: number): string {
    const why = this.lastDiscoveryError
      ? `reading them failed: ${this.lastDiscoveryError.message}`
      : 'none is registered';
    return `no cache node known after ${timeoutMs} ms (${this.discovery.source}: ${why})`;
  }
}
