/**
 * Active expiry: told when an owner stores an entry with a time to live, so the entry is removed on time
 * instead of sitting in memory until someone reads it. Implementations: the etcd delay queue (a key per
 * entry under one lease per expiry second, consumed by the ttl-worker), ending in `Group.expire` on the
 * nodes. Without etcd nothing is scheduled: LocalExpiry sweeps the caches instead.
 */
export interface ExpiryScheduler {
  /** Records that `group/key` expires at `expireAtMs` (ms since the epoch). Must not throw or block. */
  schedule(group: string, key: string, expireAtMs: number): void;
}

/** An ExpiryScheduler that schedules nothing: entries expire lazily, when read or pruned. */
export const lazyExpiry: ExpiryScheduler = { schedule: () => undefined };
