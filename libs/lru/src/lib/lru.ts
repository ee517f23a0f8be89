import { coarseNow } from './coarse-clock';

/** Why an entry left the cache, as told to {@link LruOptions.onEvict}. */
export type EvictionReason = 'evict' | 'expire' | 'delete' | 'replace';

/** Options of an {@link Lru}. */
export interface LruOptions<K, V> {
  /** Upper bound on the sum of entry sizes. Required: a positive integer. */
  maxBytes: number;
  /**
   * Size of an entry in bytes. Default: UTF-8 bytes of a string key (8 for a number) plus the byteLength of
   * a Uint8Array/ArrayBuffer value or the UTF-8 bytes of a string value; other types need this option.
   */
  sizeOf?: (value: V, key: K) => number;
  /** Time to live of entries set without their own, in ms; 0 means they never expire. Default 0. */
  ttlMs?: number;
  /**
   * Called once for every entry that leaves the cache, with the reason, after the cache has reached a
   * consistent state (during `set`, after the new entry is stored). Default: none.
   */
  onEvict?: (key: K, value: V, reason: EvictionReason) => void;
  /** Clock in ms since the epoch, for expiry. Default: `Date.now()` read at most once per ms (coarse-clock.ts). */
  now?: () => number;
}

/** Per-call options of {@link Lru.set}. */
export interface SetOptions {
  /** Time to live of this entry in ms; 0 means it never expires. Default: the cache's `ttlMs`. */
  ttlMs?: number;
  /**
   * Absolute expiry in ms (same clock as `now`), instead of `ttlMs`: for a caller that has already
   * computed the expiry and must agree with it to the millisecond. 0 means never.
   */
  expiresAt?: number;
}

/** Counters of an {@link Lru}; hits and misses count `get` only. */
export interface LruStats {
  hits: number;
  misses: number;
  /** Entries dropped to make room. */
  evictions: number;
  /** Entries dropped because their time to live had passed (on read or by `prune`). */
  expirations: number;
  /** Entries refused by `set` because they alone exceed `maxBytes`. */
  rejections: number;
  bytes: number;
  items: number;
}

/** Index of the sentinel slot that closes the circular recency list. */
const HEAD = 0;
const INITIAL_CAPACITY = 64;

/**
 * A least-recently-used cache bounded by bytes, with an absolute expiry per entry.
 *
 * Entries live in parallel arrays indexed by slot; a Map finds a key's slot, and a doubly linked list
 * threaded through `next`/`prev` (slot 0 is its sentinel) keeps recency: `next[HEAD]` is the oldest
 * entry, `prev[HEAD]` the newest. No object is allocated per entry. Expired entries are dropped lazily
 * when read and eagerly by {@link prune}.
 */
export class Lru<K, V> {
  readonly maxBytes: number;
  private readonly sizeOf: (value: V, key: K) => number;
  private readonly ttlMs: number;
  private readonly onEvict?: (key: K, value: V, reason: EvictionReason) => void;
  private readonly now: () => number;

  private readonly index = new Map<K, number>();
  private keyOf: (K | undefined)[] = [undefined];
  private valueOf: (V | undefined)[] = [undefined];
  private next = new Uint32Array(INITIAL_CAPACITY);
  private prev = new Uint32Array(INITIAL_CAPACITY);
  private size_ = new Float64Array(INITIAL_CAPACITY);
  /** Absolute expiry time in ms; 0 means never. */
  private expires = new Float64Array(INITIAL_CAPACITY);
  /** Slots freed by removals, reused before the arrays grow. */
  private free: number[] = [];
  /** First slot never used yet. */
  private fresh = 1;

  private bytes_ = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private expirations = 0;
  private rejections = 0;

  constructor(options: LruOptions<K, V>) {
    const { maxBytes, ttlMs = 0 } = options;
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
      throw new RangeError(`Lru option maxBytes must be a positive integer, got ${String(maxBytes)}`);
    }
    checkTtl('Lru option ttlMs', ttlMs);
    for (const name of ['sizeOf', 'onEvict', 'now'] as const) {
      if (options[name] !== undefined && typeof options[name] !== 'function') {
        throw new TypeError(`Lru option ${name} must be a function, got ${typeof options[name]}`);
      }
    }
    this.maxBytes = maxBytes;
    this.ttlMs = ttlMs;
    this.sizeOf = options.sizeOf ?? defaultSizeOf;
    this.onEvict = options.onEvict;
    this.now = options.now ?? coarseNow;
  }

  /** Number of entries held (expired ones included until they are read or pruned). */
  get size(): number {
    return this.index.size;
  }

  /** Sum of the sizes of the entries held. */
  get bytes(): number {
    return this.bytes_;
  }

  /** The value of `key` if present and fresh, marking it most recently used; counts a hit or a miss. */
  get(key: K): V | undefined {
    const slot = this.index.get(key);
    if (slot === undefined) {
      this.misses++;
      return undefined;
    }
    const expires = this.expires[slot];
    if (expires !== 0 && expires <= this.now()) {
      this.misses++;
      this.expirations++;
      this.drop(slot, 'expire');
      return undefined;
    }
    if (this.prev[HEAD] !== slot) {
      this.unlink(slot);
      this.linkNewest(slot);
    }
    this.hits++;
    return this.valueOf[slot];
  }

  /** The value of `key` if present and fresh, without touching recency or counters. */
  peek(key: K): V | undefined {
    const slot = this.index.get(key);
    return slot === undefined || this.isExpired(slot) ? undefined : this.valueOf[slot];
  }

  /** True when `key` is present and fresh; does not touch recency or counters. */
  has(key: K): boolean {
    const slot = this.index.get(key);
    return slot !== undefined && !this.isExpired(slot);
  }

  /** Absolute expiry time of `key` in ms (Infinity if it never expires), or undefined when absent or stale. */
  expiresAt(key: K): number | undefined {
    const slot = this.index.get(key);
    if (slot === undefined || this.isExpired(slot)) return undefined;
    return this.expires[slot] === 0 ? Infinity : this.expires[slot];
  }

  /**
   * Stores `value` under `key` as the most recently used entry, evicting the oldest entries while the cache
   * is over `maxBytes`. Returns false, storing nothing, when the entry alone is larger than `maxBytes`; an
   * older value of `key` is then dropped (reason `replace`), since it is no longer the current one.
   */
  set(key: K, value: V, options?: SetOptions): boolean {
    const size = this.sizeOf(value, key);
    if (typeof size !== 'number' || !(size >= 0) || size === Infinity) {
      throw new TypeError(
        `Lru sizeOf must return a finite number >= 0, got ${String(size)} for key ${String(key)}`,
      );
    }
    const ttlMs = options?.ttlMs ?? this.ttlMs;
    if (ttlMs !== this.ttlMs) checkTtl('Lru set ttlMs', ttlMs);
    const expiresAt = options?.expiresAt;
    if (expiresAt !== undefined) checkTtl('Lru set expiresAt', expiresAt);
    let slot = this.index.get(key);
    if (size > this.maxBytes) {
      this.rejections++;
      if (slot !== undefined) this.drop(slot, 'replace');
      return false;
    }
    const expires = expiresAt !== undefined ? expiresAt : ttlMs > 0 ? this.now() + ttlMs : 0;
    let replaced: V | undefined;
    let wasReplaced = false;
    if (slot !== undefined) {
      replaced = this.valueOf[slot];
      wasReplaced = true;
      this.bytes_ += size - this.size_[slot];
      this.unlink(slot);
    } else {
      slot = this.allocate();
      this.keyOf[slot] = key;
      this.index.set(key, slot);
      this.bytes_ += size;
    }
    this.valueOf[slot] = value;
    this.size_[slot] = size;
    this.expires[slot] = expires;
    this.linkNewest(slot);

    // Evict after storing: the new entry is the newest, and no larger than maxBytes, so the loop ends
    // before reaching it. Callbacks run once the cache is consistent, so one that throws leaves it sound.
    let evicted: [K, V][] | undefined;
    while (this.bytes_ > this.maxBytes) {
      const oldest = this.next[HEAD];
      this.evictions++;
      if (this.onEvict) (evicted ??= []).push([this.keyOf[oldest] as K, this.valueOf[oldest] as V]);
      this.remove(oldest);
    }
    if (this.onEvict) {
      if (wasReplaced && replaced !== value) this.onEvict(key, replaced as V, 'replace');
      if (evicted) for (const [k, v] of evicted) this.onEvict(k, v, 'evict');
    }
    return true;
  }

  /** Removes `key`; true when it was present (even if stale). */
  delete(key: K): boolean {
    const slot = this.index.get(key);
    if (slot === undefined) return false;
    this.drop(slot, 'delete');
    return true;
  }

  /** Removes every entry (reason `delete`). */
  clear(): void {
    const dropped = this.onEvict ? [...this.entriesOldestFirst()] : [];
    this.index.clear();
    this.keyOf = [undefined];
    this.valueOf = [undefined];
    this.next.fill(0);
    this.prev.fill(0);
    this.free = [];
    this.fresh = 1;
    this.bytes_ = 0;
    for (const [k, v] of dropped) this.onEvict?.(k, v, 'delete');
  }

  /**
   * Removes `key` if it has expired (reason `expire`) and returns the expiry time it had; undefined when
   * the key is absent or still fresh (it then stays).
   */
  pruneKey(key: K): number | undefined {
    const slot = this.index.get(key);
    if (slot === undefined || !this.isExpired(slot)) return undefined;
    const expiredAt = this.expires[slot];
    this.expirations++;
    this.drop(slot, 'expire');
    return expiredAt;
  }

  /** Removes every expired entry now (reason `expire`); returns how many. */
  prune(): number {
    const now = this.now();
    let pruned = 0;
    for (let slot = this.next[HEAD]; slot !== HEAD;) {
      const following = this.next[slot];
      const expires = this.expires[slot];
      if (expires !== 0 && expires <= now) {
        this.expirations++;
        this.drop(slot, 'expire');
        pruned++;
      }
      slot = following;
    }
    return pruned;
  }

  /**
   * Keys whose expiry time is at or before `untilMs` (expired ones included), in no particular order. A
   * scan of the expiry times (a typed array), so a once-a-second sweep costs about a millisecond per
   * million entries and nothing per entry in memory.
   */
  dueBy(untilMs: number): K[] {
    const due: K[] = [];
    // Slot order, not recency order: a linear pass over the arrays. A free slot has no key.
    for (let slot = 1; slot < this.fresh; slot++) {
      const expires = this.expires[slot];
      if (expires !== 0 && expires <= untilMs && this.keyOf[slot] !== undefined)
        due.push(this.keyOf[slot] as K);
    }
    return due;
  }

  /**
   * Keys in storage order, stale ones included, for a pass spread over many turns: unlike `keys`, it may
   * go on after the cache changed. A key removed meanwhile is skipped; one added meanwhile may be missed, or
   * met twice if it was met before its removal.
   */
  *slotKeys(): IterableIterator<K> {
    for (let slot = 1; slot < this.fresh; slot++) {
      const key = this.keyOf[slot];
      if (key !== undefined) yield key;
    }
  }

  /** Keys from the most to the least recently used, stale ones included. */
  *keys(): IterableIterator<K> {
    for (let slot = this.prev[HEAD]; slot !== HEAD; slot = this.prev[slot]) yield this.keyOf[slot] as K;
  }

  /** A snapshot of the counters. */
  stats(): LruStats {
    return {
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      expirations: this.expirations,
      rejections: this.rejections,
      bytes: this.bytes_,
      items: this.index.size,
    };
  }

  private isExpired(slot: number): boolean {
    const expires = this.expires[slot];
    return expires !== 0 && expires <= this.now();
  }

  private *entriesOldestFirst(): IterableIterator<[K, V]> {
    for (let slot = this.next[HEAD]; slot !== HEAD; slot = this.next[slot]) {
      yield [this.keyOf[slot] as K, this.valueOf[slot] as V];
    }
  }

  /** Removes the entry in `slot` and tells onEvict. */
  private drop(slot: number, reason: EvictionReason): void {
    const key = this.keyOf[slot] as K;
    const value = this.valueOf[slot] as V;
    this.remove(slot);
    this.onEvict?.(key, value, reason);
  }

  private remove(slot: number): void {
    this.index.delete(this.keyOf[slot] as K);
    this.unlink(slot);
    this.bytes_ -= this.size_[slot];
    // Release references so evicted values can be collected.
    this.keyOf[slot] = undefined;
    this.valueOf[slot] = undefined;
    this.free.push(slot);
  }

  private unlink(slot: number): void {
    const before = this.prev[slot];
    const after = this.next[slot];
    this.next[before] = after;
    this.prev[after] = before;
  }

  private linkNewest(slot: number): void {
    const newest = this.prev[HEAD];
    this.prev[slot] = newest;
    this.next[slot] = HEAD;
    this.next[newest] = slot;
    this.prev[HEAD] = slot;
  }

  private allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.fresh === this.next.length) this.grow();
    return this.fresh++;
  }

  private grow(): void {
    const capacity = this.next.length * 2;
    this.next = copyInto(new Uint32Array(capacity), this.next);
    this.prev = copyInto(new Uint32Array(capacity), this.prev);
    this.size_ = copyInto(new Float64Array(capacity), this.size_);
    this.expires = copyInto(new Float64Array(capacity), this.expires);
  }
}

function copyInto<T extends Uint32Array | Float64Array>(target: T, source: T): T {
  target.set(source);
  return target;
}

function checkTtl(what: string, ttlMs: number): void {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 0) {
    throw new RangeError(`${what} must be a finite number of ms >= 0, got ${String(ttlMs)}`);
  }
}

/** Default entry size: key bytes plus value bytes. */
function defaultSizeOf(value: unknown, key: unknown): number {
  return byteSize(key, 'key') + byteSize(value, 'value');
}

function byteSize(thing: unknown, what: string): number {
  if (typeof thing === 'string') return Buffer.byteLength(thing);
  if (thing instanceof Uint8Array || thing instanceof ArrayBuffer) return thing.byteLength;
  if (typeof thing === 'number') return 8;
  throw new TypeError(`Lru cannot size a ${what} of type ${typeof thing}: give a sizeOf option`);
}
