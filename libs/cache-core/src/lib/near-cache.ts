import { Lru, type LruStats } from '@ringcache/lru';

import { copyBytes, EMPTY, entrySize, type Entry } from './entry';
import type { GetResponse, Invalidation } from './protocol';
import { WriteFence } from './write-fence';

/** Options of a {@link NearCache}. */
export interface NearCacheOptions {
  /** Memory budget in bytes. */
  maxBytes: number;
  /** Longest time an entry without an expiry is kept, a bound on the cost of a missed invalidation. Default 60,000. */
  maxAgeMs?: number;
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
 */
export class NearCache {
  private readonly lru: Lru<string, Entry>;
  private readonly fence = new WriteFence();
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private enabled_ = false;
  private invalidations = 0;

  constructor(options: NearCacheOptions) {
    this.now = options.now ?? Date.now;
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.lru = new Lru({ maxBytes: options.maxBytes, sizeOf: entrySize, now: this.now });
  }

  /** Whether answers are served and stored (all invalidation streams connected). */
  get enabled(): boolean {
    return this.enabled_;
  }

  /** Turns serving on or off; turning it on starts from empty, since invalidations may have been missed. */
  setEnabled(enabled: boolean): void {
    if (enabled && !this.enabled_) this.lru.clear();
    this.enabled_ = enabled;
  }

  /** The answer held for `group/key`, still fresh, or undefined. The value is the cache's own: send it, do not change it. */
  get(group: string, key: string): GetResponse | undefined {
    if (!this.enabled_) return undefined;
    const entry = this.lru.get(`${group}/${key}`);
    if (!entry) return undefined;
    return entry.value === undefined
      ? { found: false, value: EMPTY, expireAtMs: entry.expireAtMs }
      : { found: true, value: entry.value, expireAtMs: entry.expireAtMs };
  }

  /** The epoch a fetch starts in; pass it to `store`. */
  begin(): number {
    return this.fence.begin();
  }

  /** Keeps an answer fetched since `startedAt`, unless it is stale, expired, or was invalidated meanwhile. */
  store(group: string, key: string, answer: GetResponse, startedAt: number): void {
    const ringKey = `${group}/${key}`;
    const current = this.fence.current(ringKey, startedAt);
    this.fence.settled(ringKey, false);
    if (!this.enabled_ || answer.stale || !current) return;
    const now = this.now();
    const ttlMs = answer.expireAtMs === 0 ? this.maxAgeMs : Math.min(answer.expireAtMs - now, this.maxAgeMs);
    if (ttlMs <= 0) return;
    this.lru.set(
      ringKey,
      { value: answer.found ? copyBytes(answer.value) : undefined, expireAtMs: answer.expireAtMs },
      { ttlMs },
    );
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
    this.fence.write(ringKey, true);
    this.lru.delete(ringKey);
  }

  /** Drops everything (a stream reconnected). */
  clear(): void {
    this.fence.flush();
    this.lru.clear();
  }

  /** Counters and size. */
  stats(): LruStats & { invalidations: number; enabled: boolean } {
    return { ...this.lru.stats(), invalidations: this.invalidations, enabled: this.enabled_ };
  }
}
