/** Settings of {@link LeaseBuckets}; see EtcdDelayQueueOptions for what each means. */
export interface LeaseBucketsSettings {
  minLeaseTtlSeconds: number;
  leadMs: number;
  safetyMs: number;
}

interface BucketLease {
  id: string;
  /**
   * When the lease ends at the earliest, by this process's clock: etcd starts counting when it applies the
   * grant, after we sent it, so the real end is no earlier and a lease we think usable is.
   */
  endsAtMs: number;
}

/**
 * Which second-bucket a key goes into, and how long a new bucket lease lives — one lease per second, never
 * one per key. Bucket `S` holds the keys due in second `S` (`floor(expireAtMs / 1000)`); its lease is meant
 * to end `leadMs` before `S * 1000`, so etcd's DELETEs (checked every 500 ms by etcd's lessor) reach the
 * worker at or before the first key of the second is due, and nodes drop each key by a timer at its exact
 * expiry. Lease TTLs are whole seconds counted from the grant, rounded down: a lease ends up to a second
 * early, which costs nothing (early keys wait for their timer), never late.
 *
 * etcd grants no lease shorter than its minimum (about 1.5 × the election timeout: 2 s by default). A key
 * due sooner than that, whose own second has no lease yet, joins the next bucket that already has a usable
 * lease, or else the first bucket a new lease can still reach — it is then removed up to
 * `minLeaseTtl + leadMs + 1 s` after it was scheduled (lazily expired reads cover it meanwhile).
 *
 * Pure bookkeeping: no etcd, no timers; the clock is a parameter.
 */
export class LeaseBuckets {
  private readonly leases = new Map<number, BucketLease>();

  constructor(private readonly settings: LeaseBucketsSettings) {}

  /** Leases remembered (for metrics and tests). */
  get size(): number {
    return this.leases.size;
  }

  /** The bucket for a key due at `expireAtMs`, writing at `now`. */
  bucketFor(expireAtMs: number, now: number): number {
    const natural = Math.floor(expireAtMs / 1000);
    const earliest = this.earliestNewBucket(now);
    // Leases of past seconds are gone: start no earlier than the current second (bounds the loop too).
    for (let bucket = Math.max(natural, Math.floor(now / 1000)); bucket < earliest; bucket++) {
      if (this.lease(bucket, now) !== undefined) return bucket;
    }
    return Math.max(natural, earliest);
  }

  /** The first bucket a lease granted at `now` can still end on time for (at least the minimum TTL away). */
  earliestNewBucket(now: number): number {
    return Math.ceil((now + this.settings.leadMs + this.settings.minLeaseTtlSeconds * 1000) / 1000);
  }

  /** TTL in whole seconds to ask for a new lease of `bucket` at `now`: rounded down, never below the minimum. */
  ttlFor(bucket: number, now: number): number {
    const target = bucket * 1000 - this.settings.leadMs;
    return Math.max(this.settings.minLeaseTtlSeconds, Math.floor((target - now) / 1000));
  }

  /** The lease of `bucket` if it is known and will live long enough for a put sent now to land. */
  lease(bucket: number, now: number): string | undefined {
    const lease = this.leases.get(bucket);
    return lease && lease.endsAtMs - now > this.settings.safetyMs ? lease.id : undefined;
  }

  /** Records a lease granted for `bucket`: `ttlSeconds` as etcd granted it, asked for at `grantedAt`. */
  remember(bucket: number, id: string, ttlSeconds: number, grantedAt: number): void {
    this.leases.set(bucket, { id, endsAtMs: grantedAt + ttlSeconds * 1000 });
  }

  /** Forgets the lease of `bucket` (etcd said it is gone). */
  forget(bucket: number): void {
    this.leases.delete(bucket);
  }

  /** Forgets leases that have ended by `now`; returns how many. */
  forgetPast(now: number): number {
    let n = 0;
    for (const [bucket, lease] of this.leases) {
      if (lease.endsAtMs <= now) {
        this.leases.delete(bucket);
        n++;
      }
    }
    return n;
  }
}
