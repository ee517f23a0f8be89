import type { Lru } from '@ringcache/lru';

import type { Entry } from './entry';
import { ExactExpiry } from './exact-expiry';
import type { ExpireResult } from './group-types';

/** Options of a {@link GroupExpiry}. */
export interface GroupExpiryOptions {
  /** The group's main cache: its entries are held `staleGraceMs` past their expiry (stale-on-error). */
  main: Lru<string, Entry>;
  /** The group's hot cache: its copies go at their expiry. */
  hot: Lru<string, Entry>;
  staleGraceMs: number;
  now: () => number;
  /** Told how late (ms) each entry was removed, for the lateness histogram. */
  onRemoved?: (lateMs: number) => void;
}

/**
 * Active expiry of a group's two caches: an entry announced as due (by the delay queue, or a scan of the
 * caches once a second) is removed once its time has passed, by a timer at its exact expiry if it is not
 * yet due, so it does not sit in memory until a read finds it expired.
 */
export class GroupExpiry {
  /** Entries removed by active expiry. */
  removed = 0;
  private readonly caches: readonly (readonly [Lru<string, Entry>, number])[];
  private readonly exact: ExactExpiry;

  constructor(private readonly o: GroupExpiryOptions) {
    this.caches = [
      [o.main, o.staleGraceMs],
      [o.hot, 0],
    ];
    // Timers may fire a millisecond before the wall clock reaches their time: an entry not yet expired
    // then is looked at again at its expiry (one set again, to expire later than the next second, is left).
    this.exact = new ExactExpiry((key) => this.expire(key, this.o.now()), o.now);
  }

  /**
   * Drops `key` if it has expired; if it expires within the announced time (`expireAtMs`: the queue's
   * second bucket is announced early), drops it by a timer at its exact expiry. A key set again since, to
   * expire later, is kept.
   */
  expire(key: string, expireAtMs: number): ExpireResult {
    let result: ExpireResult = 'kept';
    for (const [cache, grace] of this.caches) {
      if (this.pruneFrom(cache, key)) {
        result = 'removed';
        continue;
      }
      const entry = cache.peek(key);
      if (!entry || entry.expireAtMs === 0) continue;
      const removeAt = entry.expireAtMs + grace;
      if (removeAt <= expireAtMs + 1_000) {
        this.exact.schedule(key, removeAt);
        if (result === 'kept') result = 'scheduled';
      }
    }
    return result;
  }

  /**
   * Every entry due within the next second — found by a scan of the caches' expiry times, so nothing is
   * kept per entry — dropped now if its time has passed, or by a timer at its exact expiry.
   */
  expireDue(now: number): { removed: number; scheduled: number } {
    const counts = { removed: 0, scheduled: 0 };
    const keys = new Set([...this.o.main.dueBy(now + 1_000), ...this.o.hot.dueBy(now + 1_000)]);
    for (const key of keys) {
      const result = this.expire(key, now);
      if (result !== 'kept') counts[result]++;
    }
    return counts;
  }

  /** Removes every entry whose time has passed (a sweep, when expiries may have been missed); returns how many. */
  pruneExpired(): number {
    let removed = 0;
    const now = this.o.now();
    // Only the keys whose time has passed, from a scan of the expiry times: no copy of every key.
    for (const [cache] of this.caches) {
      for (const key of cache.dueBy(now)) if (this.pruneFrom(cache, key)) removed++;
    }
    return removed;
  }

  private pruneFrom(cache: Lru<string, Entry>, key: string): boolean {
    const expiredAt = cache.pruneKey(key);
    if (expiredAt === undefined) return false;
    this.removed++;
    this.o.onRemoved?.(Math.max(0, this.o.now() - expiredAt));
    return true;
  }
}
