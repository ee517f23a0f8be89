import type { Member, NodeStatsSource } from '@ringcache/cache-core';

import type { DashboardStream } from './dashboard-stream';
import type { NodeReading, Sample, SampleHistory } from './sample-history';

/**
 * Where the sampler reads a node's statistics (the gateway's stats source). A node that answers them is
 * shown ready: its /readyz asks its database, which a sampler must not do every tick.
 */
export type NodeProbe = Pick<NodeStatsSource, 'groupStats'>;

/** A member as the dashboard shows it. */
export interface MemberView {
  name: string;
  grpcAddress: string;
  httpAddress: string;
  /** Ready at the last sample; null before the first. */
  ready: boolean | null;
  version: string | null;
  /** When the node's process started (ISO 8601), as it registered; null when it did not say. */
  startedAt: string | null;
  /** Share of the keyspace the ring gives it, 0 to 1. */
  share: number;
}

/** Options of a {@link DashboardSampler}. */
export interface DashboardSamplerOptions {
  /** The current members and their ring shares (the gateway's PeerSet). */
  members: () => Member[];
  shares: () => Map<string, number>;
  probe: NodeProbe;
  history: SampleHistory;
  stream: DashboardStream;
  /** Time between samples, in ms. Default 2,000. */
  intervalMs?: number;
  /** Deadline of each node's answers, in ms. Default 1,000. */
  deadlineMs?: number;
  /** The clock, ms since the epoch. Default Date.now. */
  now?: () => number;
}

/**
 * Samples every node on a timer into the history and sends each sample to the open dashboards, with the
 * member list. Lists joins and leaves (from `membersChanged`) and flushes (a group's generation rising on
 * any node: flushes sent through any gateway are seen) as cluster events.
 */
export class DashboardSampler {
  private readonly intervalMs: number;
  private readonly deadlineMs: number;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private readiness = new Map<string, boolean>();
  private known?: Set<string>;
  private readonly generations = new Map<string, number>();

  constructor(private readonly options: DashboardSamplerOptions) {
    this.intervalMs = options.intervalMs ?? 2_000;
    this.deadlineMs = options.deadlineMs ?? 1_000;
    this.now = options.now ?? Date.now;
    if (!Number.isSafeInteger(this.intervalMs) || this.intervalMs < 100)
      throw new RangeError(
        `DashboardSampler option intervalMs must be an integer >= 100, got ${this.intervalMs}`,
      );
  }

  /** Samples now and then every intervalMs, until stop. */
  start(): void {
    this.membersChanged(this.options.members());
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The members as shown, sorted by name. */
  members(): MemberView[] {
    const shares = this.options.shares();
    return this.options.members().map((m) => ({
      name: m.name,
      grpcAddress: m.grpcAddress,
      httpAddress: m.httpAddress,
      ready: this.readiness.get(m.name) ?? null,
      version: m.metadata?.['version'] ?? null,
      startedAt: m.metadata?.['startedAt'] ?? null,
      share: shares.get(m.name) ?? 0,
    }));
  }

  /** Records who joined and left since the last call, and sends the new member list. */
  membersChanged(members: Member[]): void {
    const names = new Set(members.map((m) => m.name));
    if (this.known) {
      const t = this.now();
      for (const node of names)
        if (!this.known.has(node)) this.options.stream.record({ t, kind: 'joined', node });
      for (const node of this.known)
        if (!names.has(node)) this.options.stream.record({ t, kind: 'left', node });
    }
    this.known = names;
    for (const node of this.readiness.keys()) if (!names.has(node)) this.readiness.delete(node);
    this.options.stream.send('members', this.members());
  }

  /** One sample of every node; a tick still running when the next is due makes that one skip. */
  async tick(): Promise<Sample | undefined> {
    if (this.ticking) return undefined;
    this.ticking = true;
    try {
      const members = this.options.members();
      const call = { deadlineMs: this.deadlineMs };
      const readings = await Promise.all(
        members.map(async (member): Promise<NodeReading> => {
          // Answering its stats is what ready means here: a node's /readyz asks its database, and a
          // sampler must not add a query to every node every tick.
          const stats = await this.options.probe.groupStats(member, call).catch(() => undefined);
          this.readiness.set(member.name, stats !== undefined);
          return { node: member.name, groups: stats?.groups ?? [] };
        }),
      );
      const t = this.now();
      this.noticeFlushes(t, readings);
      const sample = this.options.history.record(t, readings);
      this.options.stream.send('sample', { sample, members: this.members() });
      return sample;
    } finally {
      this.ticking = false;
    }
  }

  /**
   * A group whose generation rose above the highest seen was flushed. The highest is kept, so a node
   * missing one sample (or lagging behind) cannot make a flush appear twice.
   */
  private noticeFlushes(t: number, readings: NodeReading[]): void {
    const highest = new Map<string, number>();
    for (const { groups } of readings) {
      for (const { name, stats } of groups)
        highest.set(name, Math.max(highest.get(name) ?? 0, stats.generation));
    }
    for (const [group, generation] of highest) {
      const before = this.generations.get(group);
      if (before !== undefined && generation > before)
        this.options.stream.record({ t, kind: 'flush', group });
      this.generations.set(group, Math.max(before ?? 0, generation));
    }
  }
}
