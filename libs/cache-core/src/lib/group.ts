import { Lru } from '@ringcache/lru';
import { Singleflight } from '@ringcache/singleflight';

import { copyBytes, EMPTY, entrySize, type Entry } from './entry';
import {
  InvalidArgumentError,
  LoadError,
  LoadTimeoutError,
  RingcacheError,
  UnavailableError,
} from './errors';
import { checkEntry, checkKey } from './group-checks';
import { GroupExpiry } from './group-expiry';
import { HotKeyTracker, type HotKey } from './hot-key-tracker';
import { resolveGroupOptions, type GroupOptions, type ResolvedGroupOptions } from './group-options';
import { LoadBatcher } from './load-batcher';
import { PeerCopies } from './peer-copies';
import type { LoadResult } from './loader';
import { checkLoadResult, failedKey, isLoadFailure } from './group-results';
import type { ExpireResult, GetOptions, GetOutcome, GroupGetResult, GroupStats } from './group-types';
import type { RequestContext, SetEntry } from './protocol';
import { WriteFence } from './write-fence';
import { byOwner, type ForwardCall } from './write-routing';

export type { ExpireResult, GetOptions, GetOutcome, GroupGetResult, GroupStats } from './group-types';

/** Keys dropForeign looks at in one event-loop turn (~5 ms at ~0.5 µs a ring lookup). */
const SWEEP_SLICE = 10_000;

/** A fetched answer with how it was obtained. */
type Fetched = { entry: Entry; outcome: GetOutcome };

/**
 * A named cache with a loader: answers a key from its main cache (keys this node owns), its hot cache
 * (copies of popular keys owned elsewhere), the key's owner, or the loader — loading each key at most once
 * at a time on this node however many callers ask (singleflight). Writes (set, delete) go to the owner,
 * which then has every other node drop its copy; a load in flight during a write never stores its
 * outdated answer (WriteFence).
 */
export class Group {
  readonly name: string;
  private readonly o: ResolvedGroupOptions;

  private readonly main: Lru<string, Entry>;
  private readonly hot: Lru<string, Entry>;
  /** Recent peer fetches per key, to tell hot keys. */
  private readonly peerFetches: Lru<string, number>;
  /**
   * Two flights, so that nodes with different rings cannot deadlock: a node forwarding a key (in
   * `forwards`) waits on a peer, but a request that already made a hop only ever joins `loads`, which
   * never waits on a peer. A shared flight would let A wait on B while B waits on A.
   */
  private readonly loads = new Singleflight<string, Entry>();
  private readonly forwards = new Singleflight<string, Fetched>();
  private readonly fence = new WriteFence();
  private readonly expiry: GroupExpiry;
  /** Which keys other nodes may hold copies of: the fan-out after a write goes only where one may be. */
  private readonly copies: PeerCopies;
  /** Gathers the loads of one event-loop turn into one loadMany. */
  private readonly loadBatches: LoadBatcher;
  /** Recent client requests per key, to tell the hottest keys; absent when counting is off. */
  private readonly requests?: HotKeyTracker;
  private generation = 0;
  /** The walk of dropForeign under way, if any: hits are checked against the ring until it ends. */
  private sweep?: symbol;

  private readonly counters = {
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
    this.copies = new PeerCopies({ maxAgeMs: this.o.hotMaxAgeMs, maxKeys: this.o.trackedCopies, now });
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
   * The value of `key`. A request that already made a hop (`context.hops >= 1`) is answered here — from
   * cache or by loading — and never forwarded again. The returned bytes are a copy, so callers cannot change
   * what the cache holds — unless `options.copy` is false: then they are the cache's own, for a codec that
   * only writes them to the wire (cached values are never changed in place, only replaced). With
   * stale-on-error, an expired value is served (flagged stale) when reloading it fails.
   */
  async get(
    key: string,
    context: RequestContext = { hops: 0, ringVersion: '' },
    options: GetOptions = {},
  ): Promise<GroupGetResult> {
    checkKey(key, this.o.maxKeyBytes);
    const copy = options.copy ?? true;
    // Client requests only: a forwarded request (a hop) was counted where it entered the cluster.
    if (context.hops === 0) this.requests?.record(key);
    // A node that asks with a hop may keep what it gets: a write of this key must then tell it.
    else this.copies.servedToPeer(key);
    let cached = this.main.get(key);
    if (cached && this.sweep && this.ownedElsewhere(key)) {
      this.main.delete(key);
      cached = undefined;
    }
    if (cached && this.fresh(cached)) return this.answer(cached, 'hit', copy);
    const hot = cached ? undefined : this.hot.get(key);
    if (hot) return this.answer(hot, 'hot', copy);
    try {
      const fetched = await this.fetch(key, context);
      return this.answer(fetched.entry, fetched.outcome, copy);
    } catch (error) {
      if (cached?.value !== undefined && isLoadFailure(error)) {
        this.counters.gets.stale++;
        return {
          found: true,
          value: copy ? Buffer.from(cached.value) : cached.value,
          expireAtMs: cached.expireAtMs,
          stale: true,
          outcome: 'stale',
        };
      }
      this.counters.gets.error++;
      throw error;
    }
  }

  /**
   * Many keys, answered in order. A key that fails (its load, say) carries its error and the others are
   * still answered; their misses are loaded together (LoadBatcher).
   */
  async getMany(
    keys: string[],
    context: RequestContext,
    options: GetOptions = {},
  ): Promise<GroupGetResult[]> {
    return Promise.all(keys.map((key) => this.get(key, context, options).catch(failedKey)));
  }

  /**
   * Stores `value` at the key's owner with `ttlMs` (0: the group's default), then has every other node
   * drop its copy. A set is not retried elsewhere when the owner is unreachable: a value stored on another
   * node would be lost, or shadowed, once the owner answers again.
   */
  async set(
    key: string,
    value: Uint8Array,
    ttlMs: number,
    context: RequestContext,
  ): Promise<{ expireAtMs: number }> {
    return (await this.setMany([{ key, value, ttlMs }], context))[0];
  }

  /**
   * Stores many entries, each at its owner (here, or forwarded with one call per owner), then has every
   * other node drop its copies — one call per node for the whole batch. Every entry is checked first: an
   * invalid one fails the call and nothing is stored. Answers in order.
   */
  async setMany(entries: SetEntry[], context: RequestContext): Promise<{ expireAtMs: number }[]> {
    entries.forEach((entry, i) => checkEntry(entry, this.o, entries.length > 1 ? i : undefined));
    return byOwner(entries, (e) => this.remoteOwner(e.key, context), this.forwardCall(context), {
      // A lone entry goes as a plain Set: the cheaper call on either transport.
      remote: (owner, part, call) =>
        part.length === 1
          ? owner.set({ group: this.name, ...part[0], ...call.context }, call.options).then((r) => [r])
          : owner
              .setMany({ group: this.name, entries: part, ...call.context }, call.options)
              .then((r) => r.results),
      local: async (part) => {
        this.checkExpiryRecorded(part);
        const results = part.map(({ key, value, ttlMs }) => {
          this.counters.writes.sets++;
          this.dropLocal(key);
          const entry = this.store(key, copyBytes(value), ttlMs || this.o.ttlMs);
          this.o.onInvalidate?.({ kind: 'key', group: this.name, key });
          return { expireAtMs: entry.expireAtMs };
        });
        await this.invalidateOthers(
          part.map((e) => e.key),
          context.requestId,
        );
        return results;
      },
    });
  }

  /**
   * Drops `key` everywhere: at its owner, which then has every other node drop its copy — or, with
   * `localOnly` (that fan-out), on this node only. Returns whether the answering node held the key.
   */
  async delete(
    key: string,
    context: RequestContext & { localOnly?: boolean },
  ): Promise<{ deleted: boolean }> {
    return (await this.deleteMany([key], context))[0];
  }

  /** Drops many keys, as `delete` does each, with one call per owner and one fan-out per node. */
  async deleteMany(
    keys: string[],
    context: RequestContext & { localOnly?: boolean },
  ): Promise<{ deleted: boolean }[]> {
    keys.forEach((key) => checkKey(key, this.o.maxKeyBytes));
    if (context.localOnly) return keys.map((key) => ({ deleted: this.dropLocal(key) }));
    return byOwner(keys, (key) => this.remoteOwner(key, context), this.forwardCall(context), {
      remote: (owner, part, call) =>
        part.length === 1
          ? owner.delete({ group: this.name, key: part[0], ...call.context }, call.options).then((r) => [r])
          : owner
              .deleteMany({ group: this.name, keys: part, ...call.context }, call.options)
              .then((r) => r.results),
      local: async (part) => {
        const results = part.map((key) => {
          this.counters.writes.deletes++;
          const deleted = this.dropLocal(key);
          this.o.onInvalidate?.({ kind: 'key', group: this.name, key });
          return { deleted };
        });
        await this.invalidateOthers(part, context.requestId);
        return results;
      },
    });
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
   * Drops the entries of keys this node no longer owns, after a ring change. A node that owned a key while
   * its owner was off the ring (crashed, hung past its lease) must not keep it once the owner is back: the
   * owner's writes reach only the nodes that fetched the key from it, so the copy would never be dropped,
   * and would be served again whenever the owner cannot be reached. A large cache is walked in slices of
   * SWEEP_SLICE keys, one per event-loop turn, so the node goes on answering meanwhile; until the walk ends,
   * a hit is checked against the ring and a foreign entry dropped rather than served. A newer ring change
   * starts a new walk and ends this one. Resolves with how many entries this walk dropped.
   */
  async dropForeign(): Promise<number> {
    const walk = Symbol('sweep');
    this.sweep = walk;
    let dropped = 0;
    let seen = 0;
    try {
      for (const key of this.main.slotKeys()) {
        if (this.ownedElsewhere(key) && this.main.delete(key)) dropped++;
        if (++seen % SWEEP_SLICE === 0) {
          await new Promise(setImmediate);
          if (this.sweep !== walk) return dropped;
        }
      }
      return dropped;
    } finally {
      if (this.sweep === walk) this.sweep = undefined;
    }
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
  private checkExpiryRecorded(entries: SetEntry[]): void {
    if (this.o.expiry.accepting?.() !== false) return;
    if (entries.every((e) => (e.ttlMs || this.o.ttlMs) === 0)) return;
    throw new UnavailableError(
      `group ${this.name}: the expiry queue is full (etcd unreachable?); a write with a TTL is refused rather than stored without its expiry record`,
    );
  }

  /** An entry before its expiry (a stale-on-error entry past it is held, but not fresh). */
  private fresh(entry: Entry): boolean {
    return entry.expireAtMs === 0 || entry.expireAtMs > this.o.now();
  }

  private answer(entry: Entry, outcome: GetOutcome, copy: boolean): GroupGetResult {
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

  /** How a write this node forwards to an owner is sent: one more hop, the group's peer deadline. */
  private forwardCall(context: RequestContext): ForwardCall {
    return {
      context: { ringVersion: this.o.peers.ringVersion, hops: context.hops + 1 },
      options: { deadlineMs: this.o.peerDeadlineMs, requestId: context.requestId },
    };
  }

  /** The remote owner a request with no hop yet must go to, or undefined when this node answers it. */
  private remoteOwner(key: string, context: RequestContext) {
    if (context.hops > 0) return undefined;
    const [owner] = this.o.peers.route(this.ringKey(key), 1);
    return owner === undefined || owner === 'self' ? undefined : owner;
  }

  /** A miss: load here (this node owns the key, or the request made its hop), or ask the owners. */
  private async fetch(key: string, context: RequestContext): Promise<Fetched> {
    if (context.hops > 0) return { entry: await this.loadLocally(key), outcome: 'load' };
    const route = this.o.peers.route(this.ringKey(key));
    if (route.length === 0 || route[0] === 'self')
      return { entry: await this.loadLocally(key), outcome: 'load' };
    // Callers that join a flight already under way are served by the first caller's peer call, and so
    // under its request id.
    return this.forwards.do(key, () => this.fetchFromOwners(key, context.requestId));
  }

  /**
   * Asks the key's owner, then the next owner, each with a deadline; loads locally when the route reaches
   * this node, or as a last resort when no peer answered. Only an unreachable peer causes a fallback: an
   * error the owner reports (its database is down, say) would fail the same way elsewhere.
   */
  private async fetchFromOwners(key: string, requestId: string | undefined): Promise<Fetched> {
    const startedAt = this.fence.begin();
    try {
      const route = this.o.peers.route(this.ringKey(key));
      for (let i = 0; i < route.length; i++) {
        const step = route[i];
        if (step === 'self') return { entry: await this.loadLocally(key), outcome: 'load' };
        if (i > 0) this.counters.peers.fallbacks++;
        try {
          const response = await step.get(
            { group: this.name, key, ringVersion: this.o.peers.ringVersion, hops: 1 },
            { deadlineMs: this.o.peerDeadlineMs, requestId },
          );
          this.counters.peers.ok++;
          const entry: Entry = {
            value: response.found ? copyBytes(response.value) : undefined,
            expireAtMs: response.expireAtMs,
          };
          // A stale answer is for this caller only; a copy fetched before a write of the key is outdated.
          // Only the owner's answer may be kept: it knows it gave a copy away, and tells it of writes.
          if (i === 0 && !response.stale && this.fence.current(key, startedAt)) this.maybeKeepHot(key, entry);
          return { entry, outcome: response.stale ? 'stale' : 'peer' };
        } catch (error) {
          if (!(error instanceof RingcacheError) || error.code !== 'peer_unavailable') throw error;
          this.counters.peers.unavailable++;
        }
      }
      this.counters.peers.lastResort++;
      return { entry: await this.loadLocally(key), outcome: 'load' };
    } finally {
      this.fence.settled(key, this.forwards.has(key) || this.loads.has(key));
    }
  }

  /** Keeps a copy of a peer's answer when the key has been fetched often lately. */
  private maybeKeepHot(key: string, entry: Entry): void {
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
  private loadLocally(key: string): Promise<Entry> {
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

  /** Puts a value into the main cache and tells active expiry about it. */
  private store(key: string, value: Buffer | undefined, ttlMs: number): Entry {
    const expireAtMs = ttlMs > 0 ? this.o.now() + ttlMs : 0;
    const entry: Entry = { value, expireAtMs };
    // Held past its expiry for the stale-on-error grace; served as fresh only before it. The absolute time
    // is given so the cache's expiry and the one scheduled for active expiry agree to the millisecond.
    const stored = this.main.set(key, entry, {
      expiresAt: this.foreignBound(key, expireAtMs === 0 ? 0 : expireAtMs + this.o.staleGraceMs),
    });
    if (stored && expireAtMs !== 0) this.o.expiry.schedule(this.name, key, expireAtMs + this.o.staleGraceMs);
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
  private ownedElsewhere(key: string): boolean {
    const [owner] = this.o.peers.route(this.ringKey(key), 1);
    return owner !== undefined && owner !== 'self';
  }

  /** Drops this node's copies of `key`, and keeps loads in flight from storing them again. */
  private dropLocal(key: string): boolean {
    this.fence.write(key, this.loads.has(key) || this.forwards.has(key));
    this.loads.forget(key);
    this.forwards.forget(key);
    this.peerFetches.delete(key);
    const inMain = this.main.delete(key);
    const inHot = this.hot.delete(key);
    return inMain || inHot;
  }

  /**
   * After writes at the owner: every other node drops its copies, in one call per node (which the peer
   * client batches further with other writes of the same turn); unreachable ones are counted.
   */
  private async invalidateOthers(written: string[], requestId: string | undefined): Promise<void> {
    const others = this.o.peers.others();
    const ringVersion = this.o.peers.ringVersion;
    const keys =
      others.length === 0 ? [] : written.filter((key) => this.copies.mayBeHeldElsewhere(key, ringVersion));
    this.counters.invalidations.skipped += written.length - keys.length;
    if (keys.length === 0) return;
    const results = await Promise.allSettled(
      others.map((peer) =>
        peer.deleteMany(
          { group: this.name, keys, localOnly: true, ringVersion: this.o.peers.ringVersion, hops: 1 },
          { deadlineMs: this.o.peerDeadlineMs, requestId },
        ),
      ),
    );
    this.counters.invalidations.sent += others.length * keys.length;
    this.counters.invalidations.failed += results.filter((r) => r.status === 'rejected').length * keys.length;
  }
}
