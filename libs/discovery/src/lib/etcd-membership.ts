import type { Etcd3, IKeyValue, Watcher } from 'etcd3';

import type { Member, Membership, MembershipListener } from '@ringcache/cache-core';

import { decodeEndpoint } from './endpoint-value';

/** Where discovery reports what it does. */
export interface DiscoveryLogger {
  log(message: string): void;
  warn(message: string): void;
}

/** State of the watch, for readiness and metrics. */
export type WatchState = 'starting' | 'watching' | 'disconnected' | 'resyncing' | 'stopped';

/** Options of an {@link EtcdMembership}. */
export interface EtcdMembershipOptions {
  client: Etcd3;
  /** The prefix to watch: `ringcache/<cluster>/node/` for nodes, `…/cache/` for gateways. */
  prefix: string;
  logger: DiscoveryLogger;
  /** Changes arriving within this many ms are applied as one: one ring rebuild per burst. Default 20. */
  settleMs?: number;
}

interface Registration {
  member: Member;
  /** etcd create revision: of two registrations of one name, the older wins. */
  created: bigint;
}

/**
 * Cluster membership from etcd: reads the prefix, then watches it from the revision it read, applying PUT
 * and DELETE events as they come (no polling). After a disconnect or an error (a compacted revision, say)
 * it re-reads the prefix and resumes from the new revision. A value that is not a valid registration is
 * logged and ignored. While etcd is unreachable the last known members stay: a cache keeps serving on its
 * last ring rather than on none.
 */
export class EtcdMembership implements Membership {
  private readonly client: Etcd3;
  private readonly prefix: string;
  private readonly logger: DiscoveryLogger;
  private readonly settleMs: number;
  private readonly registrations = new Map<string, Registration>();
  private readonly listeners = new Set<MembershipListener>();
  private readonly rejected = new Set<string>();
  private watcher?: Watcher;
  private current: Member[] = [];
  private settleTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private retryDelayMs = 100;
  private state_: WatchState = 'starting';
  private resyncs = 0;
  /** Bumped by every resync and by stop, so an outdated watcher's late events are dropped. */
  private epoch = 0;

  constructor(options: EtcdMembershipOptions) {
    this.client = options.client;
    this.prefix = options.prefix;
    this.logger = options.logger;
    this.settleMs = options.settleMs ?? 20;
  }

  /** The watch's state. */
  get state(): WatchState {
    return this.state_;
  }

  /** How many times the prefix was re-read after the first read. */
  get resyncCount(): number {
    return this.resyncs;
  }

  /** Reads the prefix and starts watching; rejects if etcd cannot be read now. */
  async start(): Promise<void> {
    await this.resync();
  }

  members(): Member[] {
    return this.current.map((m) => ({ ...m }));
  }

  onChange(listener: MembershipListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.state_ = 'stopped';
    this.epoch++;
    clearTimeout(this.settleTimer);
    clearTimeout(this.retryTimer);
    const watcher = this.watcher;
    this.watcher = undefined;
    await watcher?.cancel().catch(() => undefined);
  }

  /** Re-reads the prefix, replaces the known registrations, and watches from the revision read. */
  private async resync(): Promise<void> {
    const epoch = ++this.epoch;
    if (this.state_ !== 'starting') {
      this.state_ = 'resyncing';
      this.resyncs++;
    }
    const old = this.watcher;
    this.watcher = undefined;
    await old?.cancel().catch(() => undefined);
    const response = await this.client.getAll().prefix(this.prefix).exec();
    if (epoch !== this.epoch) return;
    this.registrations.clear();
    for (const kv of response.kvs) this.put(kv);
    this.settle(true);
    const next = (BigInt(response.header.revision) + 1n).toString();
    const watcher = await this.client.watch().prefix(this.prefix).startRevision(next).create();
    if (epoch !== this.epoch) {
      await watcher.cancel().catch(() => undefined);
      return;
    }
    this.watcher = watcher;
    this.state_ = 'watching';
    this.retryDelayMs = 100;
    watcher.on('put', (kv) => {
      if (epoch !== this.epoch) return;
      this.put(kv);
      this.settle();
    });
    watcher.on('delete', (kv) => {
      if (epoch !== this.epoch) return;
      this.registrations.delete(kv.key.toString());
      this.settle();
    });
    watcher.on('disconnected', () => {
      if (epoch === this.epoch) this.state_ = 'disconnected';
    });
    // etcd3 resumes a watch by itself after a reconnect; re-reading covers what it cannot (a compacted
    // revision, keys changed while a member was partitioned).
    watcher.on('connected', () => {
      if (epoch === this.epoch && this.state_ === 'disconnected') this.retry('reconnected');
    });
    watcher.on('error', (error: Error) => {
      if (epoch === this.epoch) this.retry(`watch error: ${error.message}`);
    });
  }

  /** Schedules a resync, with backoff while etcd stays unreachable. */
  private retry(reason: string): void {
    if (this.state_ === 'stopped' || this.retryTimer) return;
    this.logger.warn(`etcd watch on ${this.prefix}: ${reason}; re-reading in ${this.retryDelayMs} ms`);
    this.state_ = 'disconnected';
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.resync().catch((error: Error) => {
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, 2_000);
        this.retry(`re-read failed: ${error.message}`);
      });
    }, this.retryDelayMs);
    this.retryTimer.unref();
  }

  private put(kv: IKeyValue): void {
    const key = kv.key.toString();
    try {
      const member = decodeEndpoint(kv.value.toString());
      this.registrations.set(key, { member, created: BigInt(kv.create_revision) });
      this.rejected.delete(key);
    } catch (error) {
      this.registrations.delete(key);
      if (!this.rejected.has(key)) this.logger.warn(`ignoring ${key}: ${(error as Error).message}`);
      this.rejected.add(key);
    }
  }

  /** Applies the registrations to the member list after the burst settles (or now). */
  private settle(now = false): void {
    clearTimeout(this.settleTimer);
    if (now) {
      this.publish();
      return;
    }
    this.settleTimer = setTimeout(() => this.publish(), this.settleMs);
    this.settleTimer.unref();
  }

  private publish(): void {
    const byName = new Map<string, Registration>();
    for (const registration of this.registrations.values()) {
      const known = byName.get(registration.member.name);
      if (!known || registration.created < known.created) byName.set(registration.member.name, registration);
    }
    const next = [...byName.values()]
      .map((r) => r.member)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (sameMembers(next, this.current)) return;
    this.current = next;
    for (const listener of this.listeners) listener(this.members());
  }
}

function sameMembers(a: Member[], b: Member[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (m, i) =>
        m.name === b[i].name && m.grpcAddress === b[i].grpcAddress && m.httpAddress === b[i].httpAddress,
    )
  );
}
