import { Lru, type LruStats } from '@ringcache/lru';

import type { LocalReads } from './cluster-stats';
import { copyBytes, EMPTY, entryBytes, entrySize, type Entry } from './entry';
import { HotKeyTracker, type HotKey, type HotKeyTrackerOptions } from './hot-key-tracker';
import type { GetResponse, Invalidation } from './protocol';
import { WriteFence } from './write-fence';

/** Fewest recent refusals the doorkeeper remembers, however few entries the cache holds. */
const MIN_DOORKEEPER_KEYS = 256;

/** Options of a {@link NearCache}. */
export interface NearCacheOptions {
  /** Memory budget in bytes. */
  maxBytes: number;
  /** Longest time an entry without an expiry is kept, a bound on the cost of a missed invalidation. Default 60,000. */
  maxAgeMs?: number;
  /** Keys per group whose hits are counted to tell the hottest (HotKeyTracker capacity); 0: none. Default 256. */
  hotKeyCapacity?: number;
  /** Time constant in ms of the decay of those counts. Default 60,000. */
  hotKeyWindowMs?: number;
  /** Capacity and window for one group, over the two above (its group settings); capacity 0: not counted. */
  hotKeysOf?: (group: string) => { capacity: number; windowMs: number };
  /** Clock in ms since the epoch. Default Date.now. */
  now?: () => number;
}

/**
 * A copy, in a client of the cluster (the gateway), of answers it fetched from owners, so that repeated
 * reads of a key do not cross the network. It stays correct by invalidations: owners announce every
 * write and flush (the invalidation stream) and the near cache drops the key; while any stream is down it
 * serves nothing (`enabled` false), and it is cleared when streams come back, since events may have been
 * missed. A fetch that started before an invalidation of its key does not store its answer (WriteFence).
 * Entries expire with their value's own expiry.
 *
 * Once full, it admits a key only on its second miss in a row of recent refusals (a doorkeeper, as in
 * TinyLFU): a key read once — a scan, or a working set far larger than the budget — does not push out the
 * keys that are read again, nor cost a copy and an eviction on every miss. A key read twice in that time
 * gets in. While there is room, every answer is kept.
 *
 * Hits are counted per group and key (LocalReads): a read answered here never reaches a node, so the
 * nodes' own counts of hot keys would miss exactly the hottest ones.
 */
export class NearCache implements LocalReads {
  private readonly lru: Lru<string, Entry>;
  private readonly fence = new WriteFence();
  /** Fetches under way per key (begin to store/abandon), so the fence remembers writes of those keys only. */
  private readonly fetching = new Map<string, number>();
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private enabled_ = false;
  private invalidations = 0;
  /** Keys refused once while full, oldest first: a second miss of one of them gets it in. */
  private readonly refused = new Map<string, true>();
  private notAdmitted = 0;
  /** Options of each group's tracker; absent when hits are not counted. */
  private readonly tracking?: HotKeyTrackerOptions;
  private readonly hotKeysOf?: (group: string) => { capacity: number; windowMs: number };
  /**
   * Hits per group. Groups come only from stored answers, which owners gave for groups they serve, so
   * there are as many trackers as real groups.
   */
  private readonly requests = new Map<string, HotKeyTracker | undefined>();

  constructor(options: NearCacheOptions) {
    this.now = options.now ?? Date.now;
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    const capacity = options.hotKeyCapacity ?? 256;
    if (capacity !== 0) {
      this.tracking = { capacity, windowMs: options.hotKeyWindowMs ?? 60_000, now: this.now };
      // Throws now on a bad option, rather than on the first hit.
      new HotKeyTracker(this.tracking);
    }
    this.hotKeysOf = options.hotKeysOf;
    this.lru = new Lru({ maxBytes: options.maxBytes, sizeOf: entrySize, now: this.now });
  }

  /** Whether answers are served and stored (all invalidation streams connected). */
  get enabled(): boolean {
    return this.enabled_;
  }

  /**
   * Turns serving on or off. Turning it on starts from empty, and keeps out the answers of fetches that
   * began before (as a flush does): invalidations may have been missed while it was off.
   */
  setEnabled(enabled: boolean): void {
    if (enabled && !this.enabled_) {
      this.fence.flush();
      this.lru.clear();
    }
    this.enabled_ = enabled;
  }

  /** The answer held for `group/key`, still fresh, or undefined. The value is the cache's own: send it, do not change it. */
  get(group: string, key: string): GetResponse | undefined {
    if (!this.enabled_) return undefined;
    const entry = this.lru.get(`${group}/${key}`);
    if (!entry) return undefined;
    if (this.tracking) this.trackerOf(group, this.tracking)?.record(key);
    return entry.value === undefined
      ? { found: false, value: EMPTY, expireAtMs: entry.expireAtMs }
      : { found: true, value: entry.value, expireAtMs: entry.expireAtMs };
  }

  /**
   * Starts a fetch of `group/key` from its owner: returns the epoch to pass to `store` (or `abandon` if the
   * fetch fails). A write of the key announced before the fetch ends keeps its answer out.
   */
  begin(group: string, key: string): number {
    return this.beginKey(`${group}/${key}`);
  }

  private beginKey(ringKey: string): number {
    this.fetching.set(ringKey, (this.fetching.get(ringKey) ?? 0) + 1);
    return this.fence.begin();
  }

  /** Keeps an answer fetched since `startedAt`, unless it is stale, expired, or was invalidated meanwhile. */
  store(group: string, key: string, answer: GetResponse, startedAt: number): void {
    this.storeKey(`${group}/${key}`, answer, startedAt);
  }

  private storeKey(ringKey: string, answer: GetResponse, startedAt: number): void {
    const current = this.fence.current(ringKey, startedAt);
    this.end(ringKey);
    if (!this.enabled_ || answer.stale || !current) return;
    const now = this.now();
    const ttlMs = answer.expireAtMs === 0 ? this.maxAgeMs : Math.min(answer.expireAtMs - now, this.maxAgeMs);
    if (ttlMs <= 0 || !this.admits(ringKey, answer)) return;
    this.lru.set(
      ringKey,
      { value: answer.found ? copyBytes(answer.value) : undefined, expireAtMs: answer.expireAtMs },
      { ttlMs },
    );
  }

  /**
   * Whether to keep `ringKey`'s answer: always while it fits; once it would evict, only if the key was
   * refused recently — among as many refusals as entries held (at least 256) — else it is noted as refused.
   */
  private admits(ringKey: string, answer: GetResponse): boolean {
    const size = entryBytes(ringKey, answer.found ? answer.value.byteLength : 0);
    if (this.lru.bytes + size <= this.lru.maxBytes) return true;
    if (this.refused.delete(ringKey)) return true;
    this.refuse(ringKey);
    return false;
  }

  /** Notes a refusal of `ringKey`, forgetting the oldest past as many as entries held (at least 256). */
  private refuse(ringKey: string): void {
    this.notAdmitted++;
    this.refused.set(ringKey, true);
    if (this.refused.size > Math.max(MIN_DOORKEEPER_KEYS, this.lru.size)) {
      this.refused.delete(this.refused.keys().next().value as string);
    }
  }

  /** Ends a fetch that brought no answer. */
  abandon(group: string, key: string): void {
    this.end(`${group}/${key}`);
  }

  /**
   * The answer `fetch` brings for `group/key`, kept for next time (see begin and store). While serving
   * nothing, or when the answer would be refused anyway — the cache is full and the key was not refused
   * recently (see admits) — it is only fetched: the refusal is noted now, and nothing of the fetch is
   * tracked.
   */
  fill(group: string, key: string, fetch: () => Promise<GetResponse>): Promise<GetResponse> {
    const ringKey = `${group}/${key}`;
    if (!this.enabled_ || this.refusedBeforehand(ringKey)) return fetch();
    return this.fillKey(ringKey, fetch);
  }

  private async fillKey(ringKey: string, fetch: () => Promise<GetResponse>): Promise<GetResponse> {
    const startedAt = this.beginKey(ringKey);
    let answer: GetResponse;
    try {
      answer = await fetch();
    } catch (error) {
      this.end(ringKey);
      throw error;
    }
    this.storeKey(ringKey, answer, startedAt);
    return answer;
  }

  /**
   * Whether a fetch of `ringKey` would bring an answer the cache refuses: it is full (less room left than
   * an entry takes on average) and the key was not refused recently. If so, the refusal is noted.
   */
  private refusedBeforehand(ringKey: string): boolean {
    const { bytes, maxBytes, size } = this.lru;
    if (size === 0 || maxBytes - bytes >= bytes / size || this.refused.has(ringKey)) return false;
    this.refuse(ringKey);
    return true;
  }

  /** Applies an owner's invalidation. */
  invalidate(event: Invalidation): void {
    this.invalidations++;
    if (event.kind === 'flush') {
      // Flushes are rare: dropping everything is simpler than finding one group's keys.
      this.fence.flush();
      this.lru.clear();
      return;
    }
    const ringKey = `${event.group}/${event.key}`;
    this.fence.write(ringKey, this.fetching.has(ringKey));
    this.lru.delete(ringKey);
  }

  /** One fetch of `ringKey` ended: the fence forgets the key's writes once no fetch of it is left. */
  private end(ringKey: string): void {
    const left = (this.fetching.get(ringKey) ?? 1) - 1;
    if (left > 0) this.fetching.set(ringKey, left);
    else this.fetching.delete(ringKey);
    this.fence.settled(ringKey, left > 0);
  }

  /** Drops everything (a stream reconnected). */
  clear(): void {
    this.fence.flush();
    this.lru.clear();
    this.refused.clear();
  }

  hits(group: string): number {
    return this.requests.get(group)?.total ?? 0;
  }

  hotKeys(group: string, limit: number): HotKey[] {
    return this.requests.get(group)?.top(limit) ?? [];
  }

  /** Writes the fence remembers now: keys written while fetched (for tests; stays bounded by fetches). */
  pendingWrites(): number {
    return this.fence.size;
  }

  /** Counters and size; `notAdmitted`: answers not kept because the cache was full (see the class). */
  stats(): LruStats & { invalidations: number; enabled: boolean; notAdmitted: number } {
    return {
      ...this.lru.stats(),
      invalidations: this.invalidations,
      enabled: this.enabled_,
      notAdmitted: this.notAdmitted,
    };
  }

  /** The group's tracker, made on its first hit; undefined when its hits are not counted. */
  private trackerOf(group: string, options: HotKeyTrackerOptions): HotKeyTracker | undefined {
    let tracker = this.requests.get(group);
    if (tracker === undefined && !this.requests.has(group)) {
      const own = this.hotKeysOf?.(group);
      tracker = own?.capacity === 0 ? undefined : new HotKeyTracker({ ...options, ...own });
      this.requests.set(group, tracker);
    }
    return tracker;
  }
}
