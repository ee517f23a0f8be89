import { randomBytes } from 'node:crypto';

import { EtcdLeaseInvalidError, type Etcd3 } from 'etcd3';

import type { ExpiryScheduler } from '@ringcache/cache-core';
import type { DiscoveryLogger, EtcdKeys } from '@ringcache/discovery';

import { integerOption } from './errors';
import { LeaseBuckets } from './lease-buckets';
import { TtlKeys } from './ttl-keys';
import { MAX_TXN_BYTES, recordTransactions } from './record-transactions';

/** Options of an {@link EtcdDelayQueue}. */
export interface EtcdDelayQueueOptions {
  client: Etcd3;
  keys: EtcdKeys;
  /** This node's name, stored in every record as its owner. */
  owner: string;
  logger: DiscoveryLogger;
  /**
   * Schedules are collected for this many ms, then written together. Default 100: a flush costs one etcd
   * transaction (a raft commit and a WAL fsync) and one client call whatever it carries, so this sets the
   * queue's cost per second at any write rate; a record lands at most this much later, long before its
   * second (leases end no sooner than `minLeaseTtlSeconds` after they are granted).
   */
  flushIntervalMs?: number;
  /** Keys taken by one flush; keys beyond wait for the next flush, started at once. Default 20,000. */
  maxKeysPerFlush?: number;
  /** JSON bytes of one record (many keys of one bucket); a record holds at least one key. Default 65,536. */
  maxRecordBytes?: number;
  /** Records per etcd transaction; etcd refuses more than its `--max-txn-ops` (128 by default). Default 120. */
  maxOpsPerTxn?: number;
  /** Transactions sent at once; a flush with more sends them in waves of this many. Default 8. */
  maxTxnsPerFlush?: number;
  /** Schedules held while etcd is slow or away; beyond this, new schedules are dropped (counted). Default 50,000. */
  maxPending?: number;
  /** A key whose write keeps failing is given up (counted as dropped) once it is this many ms past due. Default 30,000. */
  giveUpAfterMs?: number;
  /** etcd's shortest lease, in seconds (about 1.5 × its election timeout). Default 2. */
  minLeaseTtlSeconds?: number;
  /** Bucket leases end this many ms before their second begins, absorbing etcd's 500 ms lease checks. Default 500. */
  leadMs?: number;
  /** A lease this close to its end (ms) takes no new keys: a put must land before the lease dies. Default 250. */
  safetyMs?: number;
  /** Clock, ms since the epoch. Default Date.now. */
  now?: () => number;
}

/** Counters of an {@link EtcdDelayQueue}, since it was created. */
export interface DelayQueueStats {
  /** schedule() calls. */
  scheduled: number;
  /** Schedules that replaced a pending one of the same key (only the latest of a key is written). */
  coalesced: number;
  /** Keys written to etcd. */
  written: number;
  /** Records written to etcd (each carries many keys of one bucket). */
  records: number;
  /** Key writes that failed (each retry counts again). */
  failed: number;
  /** Keys given up: queue full, too long past due, or still pending at stop(). */
  dropped: number;
  /** Bucket leases granted. */
  leasesGranted: number;
  /** Transactions committed. */
  txns: number;
  /** Keys waiting to be written now. */
  pending: number;
  /** Bucket leases known and not yet ended. */
  leases: number;
}

interface Scheduled {
  group: string;
  key: string;
  expireAtMs: number;
}

/**
 * The etcd delay queue, the writing side (DESIGN §4): `schedule()` records a key's expiry under one lease per
 * second-bucket (see LeaseBuckets for the bucket choice and its lateness). When a bucket's lease ends, etcd
 * deletes its records and the ttl-worker turns the DELETE events into Expire calls.
 *
 * Writes are batched twice: schedules collect for `flushIntervalMs`, then each bucket's keys go out packed
 * into records `ttl/<second>/~<owner>/<id>` → `{"owner","entries":[[group,key,expireAtMs],…]}` of up to
 * `maxRecordBytes`, in transactions of up to `maxOpsPerTxn` records. So 10,000 sets per second cost about one
 * put per bucket per flush — about ten small transactions a second — not 10,000 puts: etcd's work (and its
 * watchers') grows with flushes, not with writes. A key scheduled again before its record was written
 * keeps only its latest expiry; one written already keeps its record, and the node keeps an entry set again
 * since, to expire later, when the old record's Expire comes.
 * `schedule()` never blocks or throws. A failed write is retried by later flushes (backing off to 1 s
 * while etcd fails) until the key is `giveUpAfterMs` past due; a full queue drops new schedules. Both are
 * counted, and logged when writes start and stop failing. Either way the entry still expires lazily on read.
 */
export class EtcdDelayQueue implements ExpiryScheduler {
  private readonly client: Etcd3;
  private readonly keys: TtlKeys;
  private readonly owner: string;
  private readonly logger: DiscoveryLogger;
  private readonly flushIntervalMs: number;
  private readonly maxOpsPerTxn: number;
  private readonly maxTxnsPerFlush: number;
  private readonly maxRecordBytes: number;
  private readonly maxKeysPerFlush: number;
  /** Record ids are `<recordPrefix><seq>`: random per queue, so a restarted node never reuses a live key. */
  private readonly recordPrefix = `${randomBytes(4).toString('hex')}.`;
  private recordSeq = 0;
  private readonly maxPending: number;
  private readonly giveUpAfterMs: number;
  private readonly now: () => number;
  private readonly buckets: LeaseBuckets;
  private readonly counters = {
    scheduled: 0,
    coalesced: 0,
    written: 0,
    records: 0,
    failed: 0,
    dropped: 0,
    leasesGranted: 0,
    txns: 0,
  };
  /**
   * What waits to be written, one schedule per group and key (the latest): etcd refuses a transaction that
   * puts one key twice, and a key set again before its record was written needs only its newest expiry.
   */
  private pending = new Map<string, Scheduled>();
  private timer?: NodeJS.Timeout;
  /** The flush in progress: only one at a time, so a slow etcd is never hit by overlapping batches. */
  private flushing?: Promise<void>;
  /** Consecutive flushes with failures: the retry backoff, and whether "failing" was logged. */
  private failures = 0;
  private fullLogged = false;
  private stopped = false;

  constructor(options: EtcdDelayQueueOptions) {
    const name = 'EtcdDelayQueue';
    this.client = options.client;
    this.keys = new TtlKeys(options.keys);
    this.owner = options.owner;
    this.logger = options.logger;
    this.flushIntervalMs = integerOption(name, 'flushIntervalMs', options.flushIntervalMs ?? 100, 1, 10_000);
    this.maxOpsPerTxn = integerOption(name, 'maxOpsPerTxn', options.maxOpsPerTxn ?? 120, 1, 10_000);
    this.maxTxnsPerFlush = integerOption(name, 'maxTxnsPerFlush', options.maxTxnsPerFlush ?? 8, 1, 1_000);
    this.maxRecordBytes = integerOption(
      name,
      'maxRecordBytes',
      options.maxRecordBytes ?? 65_536,
      1_024,
      MAX_TXN_BYTES / 2,
    );
    this.maxKeysPerFlush = integerOption(
      name,
      'maxKeysPerFlush',
      options.maxKeysPerFlush ?? 20_000,
      1,
      1_000_000,
    );
    this.maxPending = integerOption(name, 'maxPending', options.maxPending ?? 50_000, 1);
    this.giveUpAfterMs = integerOption(name, 'giveUpAfterMs', options.giveUpAfterMs ?? 30_000, 0);
    this.now = options.now ?? Date.now;
    this.buckets = new LeaseBuckets({
      minLeaseTtlSeconds: integerOption(name, 'minLeaseTtlSeconds', options.minLeaseTtlSeconds ?? 2, 1),
      leadMs: integerOption(name, 'leadMs', options.leadMs ?? 500, 0, 10_000),
      safetyMs: integerOption(name, 'safetyMs', options.safetyMs ?? 250, 0, 10_000),
    });
  }

  schedule(group: string, key: string, expireAtMs: number): void {
    this.counters.scheduled++;
    if (this.stopped || !Number.isFinite(expireAtMs)) {
      this.counters.dropped++;
      return;
    }
    const id = pendingId(group, key);
    if (this.pending.has(id)) {
      this.counters.coalesced++;
      this.pending.set(id, { group, key, expireAtMs });
      return;
    }
    if (this.pending.size >= this.maxPending) {
      this.counters.dropped++;
      if (!this.fullLogged) {
        this.fullLogged = true;
        this.logger.warn(`delay queue: ${this.maxPending} keys waiting for etcd; dropping new schedules`);
      }
      return;
    }
    this.pending.set(id, { group, key, expireAtMs });
    this.arm(this.flushIntervalMs);
  }

  /** False while the queue is full: a new key's schedule would be dropped (see ExpiryScheduler). */
  accepting(): boolean {
    return this.pending.size < this.maxPending;
  }

  /** A snapshot of the counters. */
  stats(): DelayQueueStats {
    return { ...this.counters, pending: this.pending.size, leases: this.buckets.size };
  }

  /**
   * Writes what is pending now, after any flush in progress; stops early when a round fails (the rest
   * stays pending for the timer's retries). For tests and shutdown: the queue flushes by itself.
   */
  async flush(): Promise<void> {
    while (this.pending.size > 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      const failedBefore = this.counters.failed;
      await this.run();
      if (this.counters.failed > failedBefore) return;
    }
    if (this.flushing) await this.flushing;
  }

  /**
   * Writes what it can of the pending keys within `timeoutMs` (default 2,000: etcd being away must not hold
   * a node's shutdown), then stops; what is left, and later schedules, are dropped (counted).
   */
  async stop(timeoutMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.counters.dropped += this.pending.size;
    this.pending.clear();
  }

  private arm(delayMs: number): void {
    // A flush in progress re-arms when it ends.
    if (this.timer || this.flushing || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, delayMs);
    this.timer.unref();
  }

  private run(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.writeBatch().finally(() => {
        this.flushing = undefined;
        this.rearm();
      });
    }
    return this.flushing;
  }

  private rearm(): void {
    if (this.pending.size === 0) return;
    if (this.failures > 0) this.arm(Math.min(this.flushIntervalMs * 2 ** this.failures, 1_000));
    else this.arm(this.pending.size >= this.maxKeysPerFlush ? 0 : this.flushIntervalMs);
  }

  /** Removes and returns the oldest `n` pending schedules. */
  private take(n: number): Scheduled[] {
    const batch: Scheduled[] = [];
    for (const [id, item] of this.pending) {
      if (batch.length >= n) break;
      this.pending.delete(id);
      batch.push(item);
    }
    return batch;
  }

  /**
   * Puts failed schedules back ahead of the others, unless their key was scheduled again meanwhile (the
   * newer expiry wins).
   */
  private requeue(failed: Scheduled[]): void {
    const rest = this.pending;
    this.pending = new Map();
    for (const item of failed) {
      const id = pendingId(item.group, item.key);
      if (!rest.has(id)) this.pending.set(id, item);
    }
    for (const [id, item] of rest) this.pending.set(id, item);
  }

  /** One round: up to `maxKeysPerFlush` keys, leases granted for new buckets, records in parallel transactions. */
  private async writeBatch(): Promise<void> {
    if (this.pending.size === 0) return;
    const now = this.now();
    this.buckets.forgetPast(now);
    const batch = this.take(this.maxKeysPerFlush);
    const byBucket = new Map<number, Scheduled[]>();
    for (const item of batch) {
      if (item.expireAtMs < now - this.giveUpAfterMs) {
        this.counters.dropped++;
        continue;
      }
      const bucket = this.buckets.bucketFor(item.expireAtMs, now);
      const items = byBucket.get(bucket);
      if (items) items.push(item);
      else byBucket.set(bucket, [item]);
    }
    const retry: Scheduled[] = [];
    let firstError: Error | undefined;
    const fail = (items: Scheduled[], error: Error) => {
      retry.push(...items);
      this.counters.failed += items.length;
      firstError ??= error;
    };

    const leaseOf = new Map<number, string>();
    await Promise.all(
      [...byBucket.keys()].map(async (bucket) => {
        const known = this.buckets.lease(bucket, now);
        if (known !== undefined) {
          leaseOf.set(bucket, known);
          return;
        }
        try {
          const grantedAt = this.now();
          const granted = await this.client.leaseClient.leaseGrant({ TTL: this.buckets.ttlFor(bucket, now) });
          this.buckets.remember(bucket, granted.ID, Number(granted.TTL), grantedAt);
          leaseOf.set(bucket, granted.ID);
          this.counters.leasesGranted++;
        } catch (error) {
          fail(byBucket.get(bucket) as Scheduled[], error as Error);
        }
      }),
    );

    const txns = recordTransactions(byBucket, leaseOf, {
      owner: this.owner,
      keys: this.keys,
      maxRecordBytes: this.maxRecordBytes,
      maxOpsPerTxn: this.maxOpsPerTxn,
      nextId: () => `${this.recordPrefix}${(this.recordSeq++).toString(36)}`,
    });
    // At most maxTxnsPerFlush transactions at once: a large backlog goes out in waves.
    for (let i = 0; i < txns.length; i += this.maxTxnsPerFlush) {
      await Promise.all(
        txns.slice(i, i + this.maxTxnsPerFlush).map(async (txn) => {
          try {
            await this.client.kv.txn({ success: txn.ops });
            this.counters.written += txn.items.length;
            this.counters.records += txn.ops.length;
            this.counters.txns++;
          } catch (error) {
            // etcd does not say which lease is gone: forget every bucket of the transaction, re-grant on retry.
            if (error instanceof EtcdLeaseInvalidError)
              for (const bucket of txn.buckets) this.buckets.forget(bucket);
            fail(txn.items, error as Error);
          }
        }),
      );
    }

    // Stopped meanwhile (stop's timeout passed): nobody will retry these.
    if (this.stopped) this.counters.dropped += retry.length;
    else if (retry.length > 0) this.requeue(retry);
    if (this.pending.size < this.maxPending) this.fullLogged = false;
    if (firstError) {
      if (this.failures === 0)
        this.logger.warn(`delay queue: writing to etcd failed (${firstError.message}); retrying`);
      this.failures++;
    } else if (this.failures > 0) {
      this.logger.log(`delay queue: writing to etcd works again after ${this.failures} failed rounds`);
      this.failures = 0;
    }
  }
}

/** The pending map's key of a schedule: the group's length first, so no group and key pair collide. */
function pendingId(group: string, key: string): string {
  return `${group.length}:${group}/${key}`;
}
