import { Lru, type LruStats } from '@ringcache/lru';
import { Singleflight } from '@ringcache/singleflight';

import { InvalidArgumentError, KeyTooLongError, LoadError, LoadTimeoutError, RingcacheError } from './errors';
import type { Loader, LoadResult } from './loader';
import { noPeers, type PeerPicker } from './peer-set';
import type { GetResponse, RequestContext } from './protocol';

/** How a get was answered, as counted in `ringcache_gets_total{outcome}`. */
export type GetOutcome = 'hit' | 'hot' | 'peer' | 'load' | 'not_found' | 'error';

/** A get's answer, with how it was obtained. */
export interface GroupGetResult extends GetResponse {
  outcome: GetOutcome;
}

/** Options of a {@link Group}. Every field but name, loader and maxBytes has a default. */
export interface GroupOptions {
  /** Group name: letters, digits, `_`, `-`, `.`; at most 64 chars. */
  name: string;
  /** Loads keys this node owns from the source of truth. */
  loader: Loader;
  /** Memory budget in bytes for the main and hot caches together. */
  maxBytes: number;
  /** Time to live of loaded values in ms; 0 = until evicted. Default 0. */
  ttlMs?: number;
  /** Time to live of a cached "not found" in ms, before ±jitter. Default 30,000. */
  negativeTtlMs?: number;
  /** Relative jitter of the negative TTL, so a burst of misses does not expire together. Default 0.1. */
  negativeJitter?: number;
  /** Share of maxBytes for the hot cache (values fetched from peers that are requested often). Default 1/8. */
  hotShare?: number;
  /** Peer fetches of one key, among recent ones, after which a copy is kept in the hot cache. Default 2. */
  hotThreshold?: number;
  /** A load taking longer fails with LoadTimeoutError (and is not cached). Default 2,500. */
  loadTimeoutMs?: number;
  /** Deadline of each call to a peer. Default 3,000: above loadTimeoutMs, so a slow load is not doubled. */
  peerDeadlineMs?: number;
  /** Longest key in UTF-8 bytes. Default 1,024. */
  maxKeyBytes?: number;
  /** Which node owns which key. Default: this node owns every key. */
  peers?: PeerPicker;
  /** Clock in ms since the epoch. Default Date.now. */
  now?: () => number;
  /** Random source in [0, 1), for jitter. Default Math.random. */
  random?: () => number;
}

/** Counters of a group. */
export interface GroupStats {
  gets: Record<GetOutcome, number>;
  loads: { ok: number; not_found: number; error: number };
  /** Peer calls that failed as unavailable, fallbacks to the next owner, and local loads as a last resort. */
  peers: { ok: number; unavailable: number; fallbacks: number; lastResort: number };
  /** Gets that joined a load or peer fetch already in flight on this node. */
  coalesced: number;
  main: LruStats;
  hot: LruStats;
}

/** A cached answer: a value, or `undefined` for "not found". */
interface Entry {
  value: Buffer | undefined;
  /** Absolute expiry in ms; 0 = never. */
  expireAtMs: number;
}

/**
 * Bytes of bookkeeping per entry (Map slot, entry object, Buffer header), counted against the budget so
 * that many small entries cannot overrun it.
 */
export const ENTRY_OVERHEAD_BYTES = 160;
const GROUP_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * A named cache with a loader: answers a key from its main cache (keys this node owns), its hot cache
 * (copies of popular keys owned elsewhere), the key's owner, or the loader — loading each key at most once
 * at a time on this node however many callers ask (singleflight).
 */
export class Group {
  readonly name: string;
  private readonly loader: Loader;
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly negativeJitter: number;
  private readonly hotThreshold: number;
  private readonly loadTimeoutMs: number;
  private readonly peerDeadlineMs: number;
  private readonly maxKeyBytes: number;
  private readonly peers: PeerPicker;
  private readonly now: () => number;
  private readonly random: () => number;

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
  private readonly forwards = new Singleflight<string, { entry: Entry; outcome: GetOutcome }>();

  private readonly counters = {
    gets: { hit: 0, hot: 0, peer: 0, load: 0, not_found: 0, error: 0 } as Record<GetOutcome, number>,
    loads: { ok: 0, not_found: 0, error: 0 },
    peers: { ok: 0, unavailable: 0, fallbacks: 0, lastResort: 0 },
  };

  constructor(options: GroupOptions) {
    if (typeof options.name !== 'string' || !GROUP_NAME.test(options.name)) {
      throw new InvalidArgumentError(
        `group name must be 1-64 letters, digits, '_', '-' or '.', got ${JSON.stringify(options.name)}`,
      );
    }
    this.name = options.name;
    if (!options.loader || typeof options.loader.load !== 'function') {
      throw new InvalidArgumentError(`group ${this.name}: loader must have a load(key) method`);
    }
    this.loader = options.loader;
    const maxBytes = options.maxBytes;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1024) {
      throw new InvalidArgumentError(
        `group ${this.name}: maxBytes must be an integer >= 1024, got ${maxBytes}`,
      );
    }
    this.ttlMs = nonNegative(this.name, 'ttlMs', options.ttlMs ?? 0);
    this.negativeTtlMs = nonNegative(this.name, 'negativeTtlMs', options.negativeTtlMs ?? 30_000);
    this.negativeJitter = fraction(this.name, 'negativeJitter', options.negativeJitter ?? 0.1, 0, 0.5);
    const hotShare = fraction(this.name, 'hotShare', options.hotShare ?? 1 / 8, 0, 0.5);
    this.hotThreshold = positiveInteger(this.name, 'hotThreshold', options.hotThreshold ?? 2);
    this.loadTimeoutMs = positiveInteger(this.name, 'loadTimeoutMs', options.loadTimeoutMs ?? 2_500);
    this.peerDeadlineMs = positiveInteger(this.name, 'peerDeadlineMs', options.peerDeadlineMs ?? 3_000);
    this.maxKeyBytes = positiveInteger(this.name, 'maxKeyBytes', options.maxKeyBytes ?? 1_024);
    this.peers = options.peers ?? noPeers;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;

    const hotBytes = Math.floor(maxBytes * hotShare);
    const sizeOf = (entry: Entry, key: string) =>
      ENTRY_OVERHEAD_BYTES + Buffer.byteLength(key) + (entry.value?.byteLength ?? 0);
    this.main = new Lru({ maxBytes: maxBytes - hotBytes, sizeOf, now: this.now });
    this.hot = new Lru({ maxBytes: Math.max(1, hotBytes), sizeOf, now: this.now });
    this.peerFetches = new Lru({ maxBytes: 4_096 * 64, sizeOf: (_n, key) => 64 + key.length });
  }

  /**
   * The value of `key`. A request that already made a hop (`context.hops >= 1`) is answered here — from
   * cache or by loading — and never forwarded again. The returned bytes are a copy: callers cannot change
   * what the cache holds.
   */
  async get(key: string, context: RequestContext = { hops: 0, ringVersion: '' }): Promise<GroupGetResult> {
    this.checkKey(key);
    const cached = this.main.get(key);
    if (cached) return this.answer(cached, 'hit');
    const hot = this.hot.get(key);
    if (hot) return this.answer(hot, 'hot');
    try {
      if (context.hops > 0) return this.answer(await this.loadLocally(key), 'load');
      const route = this.peers.route(this.ringKey(key));
      if (route.length === 0 || route[0] === 'self') return this.answer(await this.loadLocally(key), 'load');
      const fetched = await this.forwards.do(key, () => this.fetchFromOwners(key));
      return this.answer(fetched.entry, fetched.outcome);
    } catch (error) {
      this.counters.gets.error++;
      throw error;
    }
  }

  /** The key this group's `key` has on the ring: keys of different groups spread independently. */
  ringKey(key: string): string {
    return `${this.name}/${key}`;
  }

  /** A snapshot of the counters. */
  stats(): GroupStats {
    const loadFlights = this.loads.stats();
    const forwardFlights = this.forwards.stats();
    return {
      gets: { ...this.counters.gets },
      loads: { ...this.counters.loads },
      peers: { ...this.counters.peers },
      coalesced: loadFlights.coalesced + forwardFlights.coalesced,
      main: this.main.stats(),
      hot: this.hot.stats(),
    };
  }

  private checkKey(key: string): void {
    if (typeof key !== 'string' || key.length === 0)
      throw new InvalidArgumentError('key must be a non-empty string');
    const bytes = Buffer.byteLength(key);
    if (bytes > this.maxKeyBytes) throw new KeyTooLongError(bytes, this.maxKeyBytes);
  }

  private answer(entry: Entry, outcome: GetOutcome): GroupGetResult {
    if (entry.value === undefined) {
      this.counters.gets.not_found++;
      return { found: false, value: EMPTY, expireAtMs: entry.expireAtMs, outcome: 'not_found' };
    }
    this.counters.gets[outcome]++;
    return { found: true, value: Buffer.from(entry.value), expireAtMs: entry.expireAtMs, outcome };
  }

  /**
   * Asks the key's owner, then the next owner, each with a deadline; loads locally when the route reaches
   * this node, or as a last resort when no peer answered. Only an unreachable peer causes a fallback: an
   * error the owner reports (its database is down, say) would fail the same way elsewhere.
   */
  private async fetchFromOwners(key: string): Promise<{ entry: Entry; outcome: GetOutcome }> {
    const route = this.peers.route(this.ringKey(key));
    for (let i = 0; i < route.length; i++) {
      const step = route[i];
      if (step === 'self') return { entry: await this.loadLocally(key), outcome: 'load' };
      if (i > 0) this.counters.peers.fallbacks++;
      try {
        const response = await step.get(
          { group: this.name, key, ringVersion: this.peers.ringVersion, hops: 1 },
          { deadlineMs: this.peerDeadlineMs },
        );
        this.counters.peers.ok++;
        const entry: Entry = {
          value: response.found ? copyBytes(response.value) : undefined,
          expireAtMs: response.expireAtMs,
        };
        this.maybeKeepHot(key, entry);
        return { entry, outcome: 'peer' };
      } catch (error) {
        if (!(error instanceof RingcacheError) || error.code !== 'peer_unavailable') throw error;
        this.counters.peers.unavailable++;
      }
    }
    this.counters.peers.lastResort++;
    return { entry: await this.loadLocally(key), outcome: 'load' };
  }

  /** Keeps a copy of a peer's answer when the key has been fetched often lately. */
  private maybeKeepHot(key: string, entry: Entry): void {
    const fetches = (this.peerFetches.get(key) ?? 0) + 1;
    if (fetches < this.hotThreshold) {
      this.peerFetches.set(key, fetches);
      return;
    }
    this.peerFetches.delete(key);
    const ttlMs = entry.expireAtMs === 0 ? 0 : entry.expireAtMs - this.now();
    if (entry.expireAtMs !== 0 && ttlMs <= 0) return;
    this.hot.set(key, entry, { ttlMs });
  }

  /** Loads `key` with the loader, once for all concurrent callers on this node, and caches the answer. */
  private loadLocally(key: string): Promise<Entry> {
    return this.loads.do(key, async () => {
      // A load that finished between this caller's cache miss and the start of this flight has already
      // stored the answer: use it rather than asking the database again.
      const stored = this.main.peek(key);
      if (stored) return stored;
      let result: LoadResult;
      try {
        result = await this.loadWithTimeout(key);
        checkLoadResult(result);
      } catch (error) {
        this.counters.loads.error++;
        if (error instanceof LoadTimeoutError) throw error;
        throw new LoadError(this.name, key, { cause: error });
      }
      const now = this.now();
      if (!result.found) {
        this.counters.loads.not_found++;
        const ttlMs = Math.max(
          1,
          Math.round(this.negativeTtlMs * (1 + this.negativeJitter * (2 * this.random() - 1))),
        );
        const entry: Entry = { value: undefined, expireAtMs: now + ttlMs };
        if (this.negativeTtlMs > 0) this.main.set(key, entry, { ttlMs });
        return entry;
      }
      this.counters.loads.ok++;
      const ttlMs = result.ttlMs ?? this.ttlMs;
      const entry: Entry = { value: copyBytes(result.value), expireAtMs: ttlMs > 0 ? now + ttlMs : 0 };
      this.main.set(key, entry, { ttlMs });
      return entry;
    });
  }

  private loadWithTimeout(key: string): Promise<LoadResult> {
    return new Promise<LoadResult>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new LoadTimeoutError(this.name, key, this.loadTimeoutMs)),
        this.loadTimeoutMs,
      );
      Promise.resolve()
        .then(() => this.loader.load(key))
        .then(resolve, reject)
        .finally(() => clearTimeout(timer));
    });
  }
}

const EMPTY = Buffer.alloc(0);

/** A private copy outside Node's shared buffer pool, so a cached value never pins a pool slab. */
function copyBytes(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

function checkLoadResult(result: LoadResult): void {
  if (!result || typeof result.found !== 'boolean') throw new TypeError('loader returned no {found} result');
  if (result.found) {
    if (!(result.value instanceof Uint8Array))
      throw new TypeError('loader returned a value that is not bytes');
    const ttl = result.ttlMs;
    if (ttl !== undefined && (!Number.isFinite(ttl) || ttl < 0))
      throw new TypeError(`loader returned ttlMs ${ttl}`);
  }
}

function nonNegative(group: string, option: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(`group ${group}: ${option} must be a number >= 0, got ${value}`);
  }
  return value;
}

function positiveInteger(group: string, option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`group ${group}: ${option} must be a positive integer, got ${value}`);
  }
  return value;
}

function fraction(group: string, option: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new InvalidArgumentError(`group ${group}: ${option} must be in [${min}, ${max}], got ${value}`);
  }
  return value;
}
