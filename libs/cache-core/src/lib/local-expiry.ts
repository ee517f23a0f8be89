import type { GroupRegistry } from './group-registry';

/** Counters of a {@link LocalExpiry}. */
export interface LocalExpiryStats {
  /** Sweeps run. */
  sweeps: number;
  /** Entries dropped by a sweep, their time having passed. */
  removed: number;
  /** Entries due within the next second, left to a timer at their exact expiry. */
  scheduled: number;
}

/**
 * Active expiry without etcd: once a second every group drops what is due (Group.expireDue), so expired
 * entries do not sit in memory until someone reads them. It keeps nothing per entry: the caches' own
 * expiry times are scanned, which for a million entries costs about a millisecond a second — where a
 * record per stored entry would grow with every write within the TTL, evicted entries included.
 */
export class LocalExpiry {
  private readonly counters: LocalExpiryStats = { sweeps: 0, removed: 0, scheduled: 0 };
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly groups: GroupRegistry,
    intervalMs = 1_000,
  ) {
    this.timer = setInterval(() => this.sweep(), intervalMs);
    // A pending sweep never keeps a process from exiting.
    this.timer.unref();
  }

  /** Sweeps every group now. */
  sweep(): void {
    this.counters.sweeps++;
    for (const group of this.groups.all()) {
      const { removed, scheduled } = group.expireDue();
      this.counters.removed += removed;
      this.counters.scheduled += scheduled;
    }
  }

  /** A snapshot of the counters. */
  stats(): LocalExpiryStats {
    return { ...this.counters };
  }

  /** Stops sweeping. */
  stop(): void {
    clearInterval(this.timer);
  }
}
