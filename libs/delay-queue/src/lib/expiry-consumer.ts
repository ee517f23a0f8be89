import type { Etcd3, IKeyValue, IWatchResponse, Watcher } from 'etcd3';

import type { ExpiredKey } from '@ringcache/cache-core';
import type { DiscoveryLogger } from '@ringcache/discovery';

import { ExpiryBacklog } from './expiry-backlog';
import { RevisionStore } from './revision-store';
import type { TtlKeys } from './ttl-keys';
import { decodeTtlBatch, decodeTtlRecord } from './ttl-record';

/** Options of an {@link ExpiryConsumer}; see TtlWorkerOptions for the defaults. */
export interface ExpiryConsumerOptions {
  client: Etcd3;
  keys: TtlKeys;
  logger: DiscoveryLogger;
  /** The leader's campaign key, fencing revision writes. */
  fenceKey: string;
  /** Delivers one batch to every node; never throws. */
  deliver: (keys: ExpiredKey[]) => Promise<void>;
  /** Asks every node to drop whatever has expired (after a compaction lost some DELETE events). */
  sweep: () => Promise<void>;
  /** Called when a fenced write shows this worker no longer leads. */
  onDeposed: (reason: string) => void;
  batchMs: number;
  batchMaxKeys: number;
  now: () => number;
  /** Each key's lateness in ms (event arrival − expireAtMs, at least 0). */
  onLateness: (ms: number) => void;
}

/** Counters of one leadership term. */
export interface ConsumerStats {
  /** True while the watch is connected. */
  watching: boolean;
  /** Last revision stored as handled (undefined until the first read). */
  handledRevision?: bigint;
  /** Keys received and not yet delivered. */
  backlog: number;
  /** Age of the oldest key received and not yet delivered, ms (0 when none). */
  lagMs: number;
  /** Times the revision to resume from had been compacted. */
  compactions: number;
  /**
   * DELETE events whose previous value was missing or not ours: a single-key entry is sent with its bucket's
   * start as expiry; a batch record's keys are unknown, and expire on read.
   */
  withoutRecord: number;
}

/**
 * The leader's work for one term: watch the delay queue's prefix for DELETE events (with the previous
 * value, since a DELETE carries none) from the revision after the stored one, collect them into batches (by
 * `batchMs` and `batchMaxKeys`), deliver each batch, then store how far it got. Delivery is at least once:
 * a leader that dies between delivering and storing has the next one deliver again, which nodes ignore.
 *
 * The watch is re-created from the last revision received after any disconnect or error, rather than
 * trusting etcd3's own resume (which restarts from the newest revision it saw in a response header, and so
 * can skip events while catching up on history). If the revision to resume from was compacted, the events
 * in between are gone for good: it logs the gap, asks every node to sweep, and goes on from the oldest
 * revision etcd still has. Nothing is lost for correctness — nodes also expire entries lazily on read.
 */
export class ExpiryConsumer {
  private readonly o: ExpiryConsumerOptions;
  private readonly store: RevisionStore;
  private readonly backlog = new ExpiryBacklog();
  private watcher?: Watcher;
  private watching = false;
  /** Bumped for each watch (and by stop), so a replaced watcher's late events are ignored. */
  private epoch = 0;
  private stopped = false;
  private handled?: bigint;
  /** The revision after the last event received: where a re-created watch starts. */
  private resumeFrom?: bigint;
  private batchTimer?: NodeJS.Timeout;
  private delivering?: Promise<void>;
  private inFlightSinceMs?: number;
  private retryTimer?: NodeJS.Timeout;
  private retryDelayMs = 100;
  private compactions = 0;
  private withoutRecord = 0;

  constructor(options: ExpiryConsumerOptions) {
    this.o = options;
    this.store = new RevisionStore(options.client, options.keys);
  }

  /** Starts watching (retrying in the background while etcd fails). */
  start(): void {
    this.open('start');
  }

  /** A snapshot of the counters. */
  stats(): ConsumerStats {
    const oldest = [this.backlog.oldestArrivalMs, this.inFlightSinceMs].filter((t) => t !== undefined);
    return {
      watching: this.watching,
      handledRevision: this.handled,
      backlog: this.backlog.size,
      lagMs: oldest.length > 0 ? Math.max(0, this.o.now() - Math.min(...oldest)) : 0,
      compactions: this.compactions,
      withoutRecord: this.withoutRecord,
    };
  }

  /**
   * Stops watching. With `deliver` (a graceful stop) it first delivers what it holds and stores the
   * revision, so the next leader starts exactly there; without (deposed), it drops it — the next leader
   * re-reads it from etcd.
   */
  async stop(deliver: boolean): Promise<void> {
    this.stopped = true;
    this.epoch++;
    clearTimeout(this.retryTimer);
    clearTimeout(this.batchTimer);
    const watcher = this.watcher;
    this.watcher = undefined;
    this.watching = false;
    await watcher?.cancel().catch(() => undefined);
    if (deliver) await this.pump(true);
    else this.backlog.clear();
    await this.delivering;
  }

  private open(reason: string): void {
    if (this.stopped) return;
    const epoch = ++this.epoch;
    this.watchFrom(epoch).catch((error: Error) => {
      if (epoch !== this.epoch || this.stopped) return;
      this.o.logger.warn(
        `ttl-worker: cannot watch the delay queue (${reason}: ${error.message}); retrying in ${this.retryDelayMs} ms`,
      );
      this.retryTimer = setTimeout(() => this.open(reason), this.retryDelayMs);
      this.retryTimer.unref();
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, 2_000);
    });
  }

  /** Finds where to start (stored revision, or past a compaction) and watches from there. */
  private async watchFrom(epoch: number): Promise<void> {
    const { stored, current } = await this.store.read();
    let from = this.resumeFrom;
    if (from === undefined) {
      this.handled = stored ?? current;
      if (stored === undefined) {
        this.o.logger.log(
          `ttl-worker: no stored revision (first leader of this cluster); watching from ${current + 1n}`,
        );
        from = current + 1n;
        // Stored at once: if this leader dies before its first batch, the next one starts here, not later.
        await this.save(current, true);
      } else if (stored > current) {
        // etcd restored from an older backup, or reset: our revision means nothing there.
        this.o.logger.warn(
          `ttl-worker: stored revision ${stored} is ahead of etcd's ${current}; watching from ${current + 1n} and asking nodes to sweep`,
        );
        from = current + 1n;
        await this.save(current, true);
        await this.o.sweep();
      } else {
        from = stored + 1n;
        this.o.logger.log(`ttl-worker: resuming from revision ${from} (etcd is at ${current})`);
      }
    }
    if (from <= current && (await this.store.isCompacted(from))) {
      const oldest = await this.store.oldestAvailable(from, current);
      this.compactions++;
      this.o.logger.warn(
        `ttl-worker: revisions ${from}–${oldest - 1n} were compacted before they were read; expiries in them ` +
          `are lost (entries still expire on read). Asking every node to sweep, resuming at ${oldest}`,
      );
      await this.o.sweep();
      from = oldest;
    }
    if (epoch !== this.epoch) return;
    const watcher = this.o.client
      .watch()
      .prefix(this.o.keys.prefix)
      .withPreviousKV()
      .only('delete')
      .startRevision(from.toString())
      .watcher();
    this.watcher = watcher;
    this.resumeFrom = from;
    watcher.on('connected', () => {
      if (epoch !== this.epoch) return;
      this.watching = true;
      this.retryDelayMs = 100;
    });
    watcher.on('delete', (kv: IKeyValue, previous?: IKeyValue) => {
      if (epoch === this.epoch) this.collect(kv, previous);
    });
    // A progress notification (no events; etcd sends one every 10 minutes by default) moves the stored
    // revision along while no key expires, so a quiet cluster's revision is not compacted away from under
    // the next leader (which would then report a gap and sweep for nothing).
    watcher.on('data', (response: IWatchResponse) => {
      if (epoch !== this.epoch || response.events.length > 0 || this.backlog.size > 0 || this.delivering)
        return;
      const revision = BigInt(response.header.revision);
      if (this.resumeFrom === undefined || revision >= this.resumeFrom) {
        this.resumeFrom = revision + 1n;
        void this.save(revision);
      }
    });
    watcher.on('disconnected', () => {
      if (epoch === this.epoch) this.restart('etcd disconnected');
    });
    watcher.on('error', (error: Error) => {
      if (epoch === this.epoch) this.restart(`watch error: ${error.message || error.name}`);
    });
  }

  /** Drops the current watcher and opens a new one from the last revision received. */
  private restart(reason: string): void {
    this.watching = false;
    const watcher = this.watcher;
    this.watcher = undefined;
    this.epoch++;
    void watcher?.cancel().catch(() => undefined);
    this.o.logger.warn(`ttl-worker: ${reason}; watching again from revision ${this.resumeFrom}`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(reason), this.retryDelayMs);
    this.retryTimer.unref();
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, 2_000);
  }

  private collect(kv: IKeyValue, previous: IKeyValue | undefined): void {
    const revision = BigInt(kv.mod_revision);
    this.resumeFrom = revision + 1n;
    const parts = this.o.keys.parse(kv.key.toString());
    if (!parts) return;
    const now = this.o.now();
    const push = (key: ExpiredKey) => {
      this.o.onLateness(Math.max(0, now - key.expireAtMs));
      this.backlog.push(revision, key, now);
    };
    if (parts.kind === 'batch') {
      const batch = previous ? decodeTtlBatch(previous.value.toString()) : undefined;
      // Without the record its keys are unknown: they expire on read (etcd gives the previous value unless
      // its revision was compacted, and then the watch resumes past a gap and asks nodes to sweep).
      if (!batch) this.withoutRecord++;
      for (const key of batch?.entries ?? []) push(key);
    } else {
      const record = previous ? decodeTtlRecord(previous.value.toString()) : undefined;
      // Without the record, the bucket's first millisecond: nodes then drop what is due within that second.
      if (!record) this.withoutRecord++;
      push({ group: parts.group, key: parts.key, expireAtMs: record?.expireAtMs ?? parts.second * 1000 });
    }
    if (this.delivering) return;
    if (this.backlog.size >= this.o.batchMaxKeys) void this.pump(false);
    else if (!this.batchTimer) {
      this.batchTimer = setTimeout(() => void this.pump(false), this.o.batchMs);
      this.batchTimer.unref();
    }
  }

  /** Delivers batches until the backlog is empty, one at a time, storing the revision after each. */
  private pump(final: boolean): Promise<void> {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.delivering) {
      // A final pump waits for the running one, then drains what arrived meanwhile.
      return final ? this.delivering.then(() => this.pump(true)) : this.delivering;
    }
    this.delivering = (async () => {
      for (;;) {
        const batch = this.backlog.take(this.o.batchMaxKeys);
        if (!batch) break;
        this.inFlightSinceMs = batch.oldestArrivalMs;
        await this.o.deliver(batch.keys);
        this.inFlightSinceMs = undefined;
        // Stored even when deposed meanwhile: the write is fenced, and what was delivered was delivered.
        await this.save(this.backlog.safeRevision());
      }
    })().finally(() => {
      this.delivering = undefined;
      this.inFlightSinceMs = undefined;
    });
    return this.delivering;
  }

  /** Stores `revision` as handled (fenced); `force` stores it even when not above the last one. */
  private async save(revision: bigint | undefined, force = false): Promise<void> {
    if (revision === undefined || (!force && this.handled !== undefined && revision <= this.handled)) return;
    try {
      if (await this.store.save(revision, this.o.fenceKey)) this.handled = revision;
      else this.o.onDeposed(`campaign key ${this.o.fenceKey} is gone`);
    } catch (error) {
      // The next batch stores a later revision; until then a new leader would deliver a few keys twice.
      this.o.logger.warn(`ttl-worker: could not store revision ${revision}: ${(error as Error).message}`);
    }
  }
}
