/**
 * Active expiry: told when an owner stores an entry with a time to live, so the entry is removed on time
 * instead of sitting in memory until someone reads it. Implementations: the etcd delay queue (a key per
 * entry under one lease per expiry second, consumed by the ttl-worker), ending in `Group.expire` on the
 * nodes. Without etcd nothing is scheduled: LocalExpiry sweeps the caches instead.
 */
export interface ExpiryScheduler {
  /** Records that `group/key` expires at `expireAtMs` (ms since the epoch). Must not throw or block. */
  schedule(group: string, key: string, expireAtMs: number): void;
  /**
   * False while a new record would be dropped (the etcd delay queue is full: etcd has been unreachable for
   * long). A Set with a TTL is then refused as unavailable, rather than stored without its record. Default:
   * always accepting.
   */
  accepting?(): boolean;
}

/** An ExpiryScheduler that schedules nothing: entries expire lazily, when read or pruned. */
export const lazyExpiry: ExpiryScheduler = { schedule: () => undefined };
