import type { Etcd3 } from 'etcd3';

import type { ExpiredKey, PeerClient } from '@ringcache/cache-core';
import type { DiscoveryLogger, EtcdKeys } from '@ringcache/discovery';

import { integerOption, InvalidOptionError } from './errors';
import { expireEverywhere, type FanoutResult } from './expire-everywhere';
import { ExpiryConsumer } from './expiry-consumer';
import { LeaderElection, type WorkerRole } from './leader-election';
import { TtlKeys } from './ttl-keys';

/** Options of a {@link TtlWorker}. */
export interface TtlWorkerOptions {
  client: Etcd3;
  keys: EtcdKeys;
  /** This worker's name in the election; unique per process (e.g. `<hostname>-<pid>`). */
  name: string;
  /** Every cache node's client, asked for at each batch (discovery keeps the list current). */
  peers: () => PeerClient[];
  logger: DiscoveryLogger;
  /** Campaign lease TTL in seconds: how long a crashed leader keeps the standbys waiting. Default 5. */
  leaseTtlSeconds?: number;
  /** DELETE events are collected this many ms before they are sent. Default 20. */
  batchMs?: number;
  /** Most keys per Expire call; a fuller backlog is sent at once, in several calls. Default 1,000. */
  batchMaxKeys?: number;
  /** Deadline of each Expire call, ms. Default 2,000. */
  expireDeadlineMs?: number;
  /** Wait before campaigning, observing or watching again after a failure, ms. Default 1,000. */
  retryMs?: number;
  /** Clock, ms since the epoch. Default Date.now. */
  now?: () => number;
  /** Each key's lateness in ms (DELETE arrival − expireAtMs, at least 0), e.g. for a histogram. */
  onLateness?: (ms: number) => void;
}

/** Counters of a {@link TtlWorker}, since it started. */
export interface TtlWorkerStats {
  role: WorkerRole;
  /** The leading worker's name, when known. */
  leader?: string;
  /** Times this worker was elected. */
  terms: number;
  /** Keys handled: sent to every known node (each key counted once), whether or not each answered. */
  expiredKeys: number;
  /** Batches by how their fan-out went. */
  batches: Record<FanoutResult['result'], number>;
  /** Expire calls to single nodes, by outcome. */
  expireCalls: { ok: number; failed: number };
  /** Sweep requests sent after a compaction (one per fan-out). */
  sweeps: number;
  /** Times the revision to resume from had been compacted. */
  compactions: number;
  /** DELETE events that came without our record (see ConsumerStats.withoutRecord). */
  withoutRecord: number;
  /** While leading: the watch is connected. */
  watching: boolean;
  /** While leading: last revision stored as handled. */
  handledRevision?: bigint;
  /** While leading: keys received and not yet delivered, and the age of the oldest, ms. */
  backlog: number;
  lagMs: number;
}

/**
 * The ttl-worker's core, without Nest (DESIGN §4): workers elect one leader in etcd; the leader watches the
 * delay queue, turns each bucket's DELETE events into Expire calls to every node, and stores the revision
 * it has handled so the next leader resumes there — after a crash (its campaign lease expires, up to
 * `leaseTtlSeconds`) or a graceful stop (it delivers what it holds, stores the revision and resigns; a
 * standby takes over at once). Standbys only campaign and observe.
 */
export class TtlWorker {
  private readonly o: Required<Omit<TtlWorkerOptions, 'keys'>> & { keys: TtlKeys };
  private readonly election: LeaderElection;
  private consumer?: ExpiryConsumer;
  private stopping = false;
  /** Terms end in order: the next one's consumer starts after the last one's stopped. */
  private termChange: Promise<void> = Promise.resolve();
  private readonly counters = {
    terms: 0,
    expiredKeys: 0,
    batches: { ok: 0, partial: 0, failed: 0, no_nodes: 0 },
    expireCalls: { ok: 0, failed: 0 },
    sweeps: 0,
    compactions: 0,
    withoutRecord: 0,
  };
  /** Last time each failing node was logged: a dead node is logged every 10 s, not every batch. */
  private readonly failureLogged = new Map<string, number>();

  constructor(options: TtlWorkerOptions) {
    const name = 'TtlWorker';
    this.o = {
      ...options,
      keys: new TtlKeys(options.keys),
      leaseTtlSeconds: integerOption(name, 'leaseTtlSeconds', options.leaseTtlSeconds ?? 5, 1, 3_600),
      batchMs: integerOption(name, 'batchMs', options.batchMs ?? 20, 0, 10_000),
      batchMaxKeys: integerOption(name, 'batchMaxKeys', options.batchMaxKeys ?? 1_000, 1, 100_000),
      expireDeadlineMs: integerOption(name, 'expireDeadlineMs', options.expireDeadlineMs ?? 2_000, 1),
      retryMs: integerOption(name, 'retryMs', options.retryMs ?? 1_000, 1),
      now: options.now ?? Date.now,
      onLateness: options.onLateness ?? (() => undefined),
    };
    if (!/^\S{1,200}$/.test(options.name))
      throw new InvalidOptionError(name, 'name', options.name, '1 to 200 characters, no spaces');
    this.election = new LeaderElection({
      client: this.o.client,
      keys: this.o.keys,
      name: this.o.name,
      ttlSeconds: this.o.leaseTtlSeconds,
      logger: this.o.logger,
      retryMs: this.o.retryMs,
      onElected: () => this.lead(),
      onDeposed: () => this.endTerm(false),
    });
  }

  /** This worker's role now. */
  get role(): WorkerRole {
    return this.election.role;
  }

  /** Starts campaigning (and observing who leads). Does not wait for etcd. */
  start(): void {
    this.election.start();
  }

  /**
   * Leaves gracefully: a leader delivers what it holds and stores its revision (bounded by the Expire
   * deadline), then resigns so that a standby takes over at once.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.endTerm(true);
    await this.election.resign();
  }

  /**
   * True when the worker knows where it stands: leading with a connected watch, or standing by behind a
   * known leader.
   */
  settled(): boolean {
    const role = this.election.role;
    if (role === 'leader') return this.consumer?.stats().watching ?? false;
    return role === 'standby';
  }

  /** True when etcd answers a read within `timeoutMs`. */
  async etcdReachable(timeoutMs = 1_000): Promise<boolean> {
    try {
      await this.o.client
        .get(this.o.keys.revision)
        .options({ deadline: Date.now() + timeoutMs })
        .exec();
      return true;
    } catch {
      return false;
    }
  }

  /** A snapshot of the counters. */
  stats(): TtlWorkerStats {
    const consumer = this.consumer?.stats();
    return {
      role: this.election.role,
      leader: this.election.leader,
      ...this.counters,
      batches: { ...this.counters.batches },
      expireCalls: { ...this.counters.expireCalls },
      compactions: this.counters.compactions + (consumer?.compactions ?? 0),
      withoutRecord: this.counters.withoutRecord + (consumer?.withoutRecord ?? 0),
      watching: consumer?.watching ?? false,
      handledRevision: consumer?.handledRevision,
      backlog: consumer?.backlog ?? 0,
      lagMs: consumer?.lagMs ?? 0,
    };
  }

  private lead(): void {
    this.termChange = this.termChange.then(async () => {
      // Elected while stopping: never start consuming (resign follows).
      if (this.stopping || this.election.role !== 'leader') return;
      let fenceKey: string;
      try {
        fenceKey = await this.election.campaignKey();
      } catch (error) {
        this.election.abdicate(`no campaign key: ${(error as Error).message}`);
        return;
      }
      this.counters.terms++;
      const consumer = new ExpiryConsumer({
        client: this.o.client,
        keys: this.o.keys,
        logger: this.o.logger,
        fenceKey,
        deliver: (keys) => this.deliver(keys),
        sweep: () => this.sweep(),
        onDeposed: (reason) => this.election.abdicate(reason),
        batchMs: this.o.batchMs,
        batchMaxKeys: this.o.batchMaxKeys,
        now: this.o.now,
        onLateness: this.o.onLateness,
      });
      this.consumer = consumer;
      consumer.start();
    });
  }

  private endTerm(deliver: boolean): Promise<void> {
    this.termChange = this.termChange.then(async () => {
      const consumer = this.consumer;
      if (!consumer) return;
      await consumer.stop(deliver);
      const stats = consumer.stats();
      this.counters.compactions += stats.compactions;
      this.counters.withoutRecord += stats.withoutRecord;
      this.consumer = undefined;
    });
    return this.termChange;
  }

  private async deliver(keys: ExpiredKey[]): Promise<void> {
    const outcome = await this.fanOut(keys);
    this.counters.batches[outcome.result]++;
    this.counters.expiredKeys += keys.length;
    if (outcome.result === 'no_nodes')
      this.logThrottled('(none)', `ttl-worker: ${keys.length} expired keys but no cache nodes known`);
  }

  private async sweep(): Promise<void> {
    this.counters.sweeps++;
    await this.fanOut([]);
  }

  private async fanOut(keys: ExpiredKey[]): Promise<FanoutResult> {
    const outcome = await expireEverywhere(this.o.peers(), keys, this.o.expireDeadlineMs);
    this.counters.expireCalls.ok += outcome.asked - outcome.failures.length;
    this.counters.expireCalls.failed += outcome.failures.length;
    for (const { peer, error } of outcome.failures) {
      this.logThrottled(
        peer,
        `ttl-worker: Expire on node ${peer} failed (${error.message}); its entries expire on read`,
      );
    }
    return outcome;
  }

  private logThrottled(subject: string, message: string): void {
    const now = this.o.now();
    if (now - (this.failureLogged.get(subject) ?? -Infinity) < 10_000) return;
    this.failureLogged.set(subject, now);
    this.o.logger.warn(message);
  }
}
