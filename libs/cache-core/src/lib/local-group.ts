import { Lru } from '@ringcache/lru';
import { Singleflight } from '@ringcache/singleflight';

import { copyBytes, EMPTY, entrySize, type Entry } from './entry';
import { InvalidArgumentError, LoadError, LoadTimeoutError, UnavailableError } from './errors';
import { GroupExpiry } from './group-expiry';
import { resolveGroupOptions, type GroupOptions, type ResolvedGroupOptions } from './group-options';
import { checkLoadResult } from './group-results';
import type { ExpireResult, GetOutcome, GroupGetResult, GroupStats } from './group-types';
import { HotKeyTracker, type HotKey } from './hot-key-tracker';
import { LoadBatcher } from './load-batcher';
import type { LoadResult } from './loader';
import type { SetEntry } from './protocol';
import { WriteFence } from './write-fence';

/** A fetched answer with how it was obtained. */
export type Fetched = { entry: Entry; outcome: GetOutcome };

/**
 * What a group is on this node alone: its main cache (keys this node owns) and hot cache (copies of
 * popular keys owned elsewhere), its loads from the loader — each key at most once at a time however many
 * callers ask (singleflight), gathered per turn into one loadMany — the write fence that keeps a load in
 * flight during a write from storing its outdated answer, active expiry, flushes and counters. Group adds
 * the cluster: owners, forwarding and the fan-out of writes.
 */
export class LocalGroup {
  readonly name: string;
  protected readonly o: ResolvedGroupOptions;

  protected readonly main: Lru<string, Entry>;
  protected readonly hot: Lru<string, Entry>;
  /** Recent peer fetches per key, to tell hot keys. */
  private readonly peerFetches: Lru<string, number>;
  /**
   * Two flights, so that nodes with different rings cannot deadlock: a node forwarding a key (in
   * `forwards`) waits on a peer, but a request that already made a hop only ever joins `loads`, which
   * never waits on a peer. A shared flight would let A wait on B while B waits on A.
   */
  protected readonly loads = new Singleflight<string, Entry>();
  protected readonly forwards = new Singleflight<string, Fetched>();
  protected readonly fence = new WriteFence();
  private readonly expiry: GroupExpiry;
  /** Gathers the loads of one event-loop turn into one loadMany. */
  private readonly loadBatches: LoadBatcher;
  /** Recent client requests per key, to tell the hottest keys; absent when counting is off. */
  protected readonly requests?: HotKeyTracker;
  private generation = 0;

  protected readonly counters = {
    gets: { hit: 0, hot: 0, peer: 0, load: 0, stale: 0, not_found: 0, error: 0 } as Record<
      GetOutcome,
      number
    >,
    loads: { ok: 0, not_found: 0, error: 0 },
    peers: { ok: 0, unavailable: 0, fallbacks: 0, lastResort: 0 },
    writes: { sets: 0, deletes: 0, flushes: 0 },
    invalidations: { sent: 0, failed: 0, skipped: 0 },
  };

  constructor(options: GroupOptions) {
    this.o = resolveGroupOptions(options);
    this.name = this.o.name;
    const hotBytes = Math.floor(this.o.maxBytes * this.o.hotShare);
    const now = this.o.now;
    this.main = new Lru({ maxBytes: this.o.maxBytes - hotBytes, sizeOf: entrySize, now });
    this.hot = new Lru({ maxBytes: Math.max(1, hotBytes), sizeOf: entrySize, now });
    this.peerFetches = new Lru({ maxBytes: 4_096 * 64, sizeOf: (_n, key) => 64 + key.length });
    this.expiry = new GroupExpiry({
      main: this.main,
      hot: this.hot,
      staleGraceMs: this.o.staleGraceMs,
      now,
      onRemoved: this.o.onActiveExpiry,
    });
    this.loadBatches = new LoadBatcher({
      loader: this.o.loader,
      group: this.name,
      timeoutMs: this.o.loadTimeoutMs,
      onBatch: this.o.onLoadBatch,
    });
    if (this.o.hotKeyCapacity > 0) {
      this.requests = new HotKeyTracker({
        capacity: this.o.hotKeyCapacity,
        windowMs: this.o.hotKeyWindowMs,
        now,
        random: this.o.random,
      });
    }
  }

  /**
   * Drops every entry if `generation` is newer than this node's, so that no entry cached before a
   * cluster-wide flush is served after it. Returns the node's generation.
   */
  flush(generation: number): number {
    if (!Number.isSafeInteger(generation) || generation < 0) {
      throw new InvalidArgumentError(`generation must be a non-negative integer, got ${generation}`);
    }
    if (generation <= this.generation) return this.generation;
    this.generation = generation;
    this.counters.writes.flushes++;
    this.dropAll();
    this.o.onInvalidate?.({ kind: 'flush', group: this.name, generation });
    return this.generation;
  }

  /**
   * Drops every entry held here, and fences the loads in flight, keeping the generation: for a node that
   * was off the others' rings (its lease lapsed while it hung or was cut off from etcd). Writes meanwhile
   * went to the owners standing in for it, and none reached it, so nothing it kept can be trusted.
   */
  dropAll(): void {
    this.fence.flush();
    this.loads.forgetAll();
    this.forwards.forgetAll();
    this.main.clear();
    this.hot.clear();
    this.peerFetches.clear();
  }

  /** Active expiry, as announced by the delay queue for `expireAtMs` (see GroupExpiry.expire). */
  expire(key: string, expireAtMs: number): ExpireResult {
    return this.expiry.expire(key, expireAtMs);
  }

  /** Active expiry without a delay queue (LocalExpiry calls it once a second; see GroupExpiry.expireDue). */
  expireDue(now = this.o.now()): { removed: number; scheduled: number } {
    return this.expiry.expireDue(now);
  }

  /** Removes every entry whose time has passed (a sweep, when expiries may have been missed); returns how many. */
  pruneExpired(): number {
    return this.expiry.pruneExpired();
  }

  /** The key this group's `key` has on the ring: keys of different groups spread independently. */
  ringKey(key: string): string {
    return `${this.name}/${key}`;
  }

  /**
   * The keys clients requested most lately (here: requests that entered the cluster at this node), most
   * requested first; at most `limit`. Empty when counting is off (`hotKeyCapacity` 0).
   */
  hotKeys(limit: number): HotKey[] {
    return this.requests?.top(limit) ?? [];
  }

  /** A snapshot of the counters. */
  stats(): GroupStats {
    return {
      gets: { ...this.counters.gets },
      loads: { ...this.counters.loads },
      peers: { ...this.counters.peers },
      writes: { ...this.counters.writes },
      invalidations: { ...this.counters.invalidations },
      activeExpirations: this.expiry.removed,
      coalesced: this.loads.stats().coalesced + this.forwards.stats().coalesced,
      generation: this.generation,
      maxBytes: this.o.maxBytes,
      main: this.main.stats(),
      hot: this.hot.stats(),
    };
  }

  /**
   * A write whose entries expire must have their expiry recorded for active expiry: when the scheduler
   * cannot take it (etcd away for long), the write fails clearly and nothing is stored. (Lazy expiry on
   * read would still apply; what would be lost is the removal on time.)
   */
  protected checkExpiryRecorded(entries: SetEntry[]): void {
    if (this.o.expiry.accepting?.() !== false) return;
    if (entries.every((e) => (e.ttlMs || this.o.ttlMs) === 0)) return;
    throw new UnavailableError(
      `group ${this.name}: the expiry queue is full (etcd unreachable?); a write with a TTL is refused rather than stored without its expiry record`,
    );
  }

  /** An entry before its expiry (a stale-on-error entry past it is held, but not fresh). */
  protected fresh(entry: Entry): boolean {
    return entry.expireAtMs === 0 || entry.expireAtMs > this.o.now();
  }

  protected answer(entry: Entry, outcome: GetOutcome, copy: boolean): GroupGetResult {
    if (entry.value === undefined) {
      this.counters.gets.not_found++;
      return { found: false, value: EMPTY, expireAtMs: entry.expireAtMs, outcome: 'not_found' };
    }
    this.counters.gets[outcome]++;
    const answer: GroupGetResult = {
      found: true,
      value: copy ? Buffer.from(entry.value) : entry.value,
      expireAtMs: entry.expireAtMs,
      outcome,
    };
    if (outcome === 'stale') answer.stale = true;
    return answer;
  }

  /** Keeps a copy of a peer's answer when the key has been fetched often lately. */
  protected maybeKeepHot(key: string, entry: Entry): void {
    const fetches = (this.peerFetches.get(key) ?? 0) + 1;
    if (fetches < this.o.hotThreshold) {
      this.peerFetches.set(key, fetches);
      return;
    }
    this.peerFetches.delete(key);
    const now = this.o.now();
    if (entry.expireAtMs !== 0 && entry.expireAtMs <= now) return;
    // Kept at most hotMaxAgeMs: what the owner's record of given-away copies (PeerCopies) assumes.
    const expiresAt = Math.min(entry.expireAtMs || Infinity, now + this.o.hotMaxAgeMs);
    if (this.hot.set(key, entry, { expiresAt }) && entry.expireAtMs !== 0) {
      this.o.hotExpiry.schedule(this.name, key, entry.expireAtMs);
    }
  }

  /** Loads `key` with the loader, once for all concurrent callers on this node, and caches the answer. */
  protected loadLocally(key: string): Promise<Entry> {
    return this.loads.do(key, async () => {
      const startedAt = this.fence.begin();
      try {
        // A load that finished between this caller's cache miss and the start of this flight has already
        // stored the answer: use it rather than asking the database again.
        const stored = this.main.peek(key);
        if (stored && this.fresh(stored)) return stored;
        let result: LoadResult;
        try {
          result = await this.loadBatches.load(key);
          checkLoadResult(result);
        } catch (error) {
          this.counters.loads.error++;
          if (error instanceof LoadTimeoutError) throw error;
          throw new LoadError(this.name, key, { cause: error });
        }
        const keep = this.fence.current(key, startedAt);
        if (!result.found) {
          this.counters.loads.not_found++;
          const jitter = 1 + this.o.negativeJitter * (2 * this.o.random() - 1);
          const ttlMs = Math.max(1, Math.round(this.o.negativeTtlMs * jitter));
          const entry: Entry = { value: undefined, expireAtMs: this.o.now() + ttlMs };
          if (keep && this.o.negativeTtlMs > 0)
            this.main.set(key, entry, { expiresAt: this.foreignBound(key, entry.expireAtMs) });
          return entry;
        }
        this.counters.loads.ok++;
        const value = copyBytes(result.value);
        const ttlMs = result.ttlMs ?? this.o.ttlMs;
        if (!keep) return { value, expireAtMs: ttlMs > 0 ? this.o.now() + ttlMs : 0 };
        return this.store(key, value, ttlMs);
      } finally {
        this.fence.settled(key, this.loads.has(key) || this.forwards.has(key));
      }
    });
  }

  /**
   * Puts a value into the main cache and tells active expiry about it. `owned` says the caller has just
   * found this node to be the key's owner on the ring, so it need not be looked up again.
   */
  protected store(key: string, value: Buffer | undefined, ttlMs: number, owned = false): Entry {
    const expireAtMs = ttlMs > 0 ? this.o.now() + ttlMs : 0;
    const entry: Entry = { value, expireAtMs };
    // Held past its expiry for the stale-on-error grace; served as fresh only before it. The absolute time
    // is given so the cache's expiry and the one scheduled for active expiry agree to the millisecond.
    const heldUntil = expireAtMs === 0 ? 0 : expireAtMs + this.o.staleGraceMs;
    const stored = this.main.set(key, entry, {
      expiresAt: owned ? heldUntil : this.foreignBound(key, heldUntil),
    });
    if (stored && heldUntil !== 0) this.o.expiry.schedule(this.name, key, heldUntil);
    return entry;
  }

  /**
   * When this node stores a key it does not own — it answered for an unreachable owner, or the ring is
   * changing — the entry lives at most foreignMaxAgeMs: the owner's writes do not reach it.
   */
  private foreignBound(key: string, expiresAt: number): number {
    if (!this.ownedElsewhere(key)) return expiresAt;
    const bound = this.o.now() + this.o.foreignMaxAgeMs;
    return expiresAt === 0 ? bound : Math.min(expiresAt, bound);
  }

  /** Whether the ring gives `key` to another node. */
  protected ownedElsewhere(key: string): boolean {
    const [owner] = this.o.peers.route(this.ringKey(key), 1);
    return owner !== undefined && owner !== 'self';
  }

  /** Drops this node's copies of `key`, and keeps loads in flight from storing them again. */
  protected dropLocal(key: string): boolean {
    const inHot = this.beforeWrite(key);
    const inMain = this.main.delete(key);
    return inMain || inHot;
  }

  /**
   * What a write of `key` does before it stores the new value: keeps loads in flight from storing theirs,
   * and drops the hot copy. The main cache's entry is left to `store`, which replaces it in place — a
   * delete first would cost a removal from its index and an insertion back, for every Set. Returns whether
   * a hot copy was dropped.
   */
  protected beforeWrite(key: string): boolean {
    this.fence.write(key, this.loads.has(key) || this.forwards.has(key));
    this.loads.forget(key);
    this.forwards.forget(key);
    this.peerFetches.delete(key);
    return this.hot.delete(key);
  }
}
