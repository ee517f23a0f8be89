import type { LruStats } from '@ringcache/lru';

import { InvalidArgumentError, RingcacheError, UnavailableError, UnknownGroupError } from './errors';
import type { GetOutcome, GroupStats } from './group';
import type { HotKey } from './hot-key-tracker';
import type { Member } from './membership';
import {
  MAX_HOT_KEYS,
  type CallOptions,
  type HotKeysRequest,
  type HotKeysResponse,
  type NodeStatsResponse,
} from './protocol';

/**
 * Where a client of the cluster reads a node's statistics: over the peer transport the cluster uses (gRPC's
 * Stats and HotKeys, or the HTTP peer endpoint's `:stats` and `<group>:hot`).
 */
export interface NodeStatsSource {
  /** Every group's counters on `member`; PeerUnavailableError when it does not answer in time. */
  groupStats(member: Member, options: CallOptions): Promise<NodeStatsResponse>;
  /** A group's hottest keys on `member`; UnknownGroupError when it does not serve the group. */
  hotKeys(member: Member, request: HotKeysRequest, options: CallOptions): Promise<HotKeysResponse>;
}

/** Reads the caller answered itself (a gateway's near cache), which no node saw. */
export interface LocalReads {
  /** Reads of `group` answered locally, since start. */
  hits(group: string): number;
  /** The keys of `group` read locally the most lately. */
  hotKeys(group: string, limit: number): HotKey[];
}

/** Options of a {@link ClusterStats}. */
export interface ClusterStatsOptions {
  /** The nodes to ask: the caller's current view of the cluster. */
  members: () => Member[];
  source: NodeStatsSource;
  /** Deadline of each node's answer, in ms; a node that misses it is reported as failed. */
  deadlineMs: number;
  /** Reads answered by the caller itself, added in. Default: none. */
  local?: LocalReads;
}

/** Which nodes answered a cluster-wide question. */
export interface NodesAnswered {
  /** Nodes asked (every known member). */
  asked: number;
  answered: number;
  /** Nodes that did not answer in time, or answered an error, with why. */
  failed: { node: string; error: string }[];
}

/** A group's counters summed over the nodes that answered. */
export interface ClusterGroupStats {
  name: string;
  /** Nodes that answered and serve the group. */
  nodes: number;
  /**
   * Gets the nodes served, by how: `hits` from a node's main or hot cache, `misses` from a peer or the
   * loader (stale answers included), `notFound` answered "not found" (cached or loaded), `errors` failed.
   * A request forwarded from one node to another counts on both.
   */
  gets: {
    total: number;
    hits: number;
    misses: number;
    notFound: number;
    errors: number;
    byOutcome: Record<GetOutcome, number>;
  };
  /** Loads from the source of truth, by result. */
  loads: { ok: number; not_found: number; error: number };
  /** Gets answered from a node's hot cache (copies of keys owned elsewhere). */
  hotCacheHits: number;
  /** Reads of the group the asking process answered from its near cache (LocalReads); no node counted them. */
  nearCacheHits: number;
  /** Entries dropped to make room, main and hot caches. */
  evictions: number;
  /** Bytes and entries held, main and hot caches. */
  bytes: number;
  items: number;
  main: LruStats;
  hot: LruStats;
}

/** Every group's counters across the cluster. */
export interface ClusterGroups {
  groups: ClusterGroupStats[];
  nodes: NodesAnswered;
}

/** A group's hottest keys across the cluster. */
export interface ClusterHotKeys {
  group: string;
  /** Most requested lately first; counts, rates and error bounds summed over the nodes. */
  keys: HotKey[];
  nodes: NodesAnswered;
}

const OUTCOMES: GetOutcome[] = ['hit', 'hot', 'peer', 'load', 'stale', 'not_found', 'error'];

/**
 * Cluster-wide statistics for a client of the cluster (the gateway): asks every node at once, each with
 * the deadline, and sums what they answer. A node that does not answer is reported, not fatal; only when
 * no node answers does a question fail (UnavailableError).
 */
export class ClusterStats {
  constructor(private readonly options: ClusterStatsOptions) {}

  /** Every group any answering node serves, with its counters summed, by name. */
  async groups(): Promise<ClusterGroups> {
    const { answers, nodes } = await this.askAll((member, options) =>
      this.options.source.groupStats(member, options),
    );
    const byName = new Map<string, ClusterGroupStats>();
    for (const answer of answers) {
      for (const { name, stats } of answer?.groups ?? []) {
        let sum = byName.get(name);
        if (!sum) byName.set(name, (sum = emptyGroup(name)));
        addGroup(sum, stats);
      }
    }
    const groups = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const group of groups) group.nearCacheHits = this.options.local?.hits(group.name) ?? 0;
    return { groups, nodes };
  }

  /**
   * The `limit` keys of `group` requested most lately across the cluster: each node's top `limit`, and the
   * caller's own, summed by key. Keys are counted where requests enter the cluster (their owner, for a
   * gateway), so a key's count mostly comes from one node and the sum is close to the truth.
   * UnknownGroupError when no answering node serves the group.
   */
  async hotKeys(group: string, limit: number): Promise<ClusterHotKeys> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_HOT_KEYS) {
      throw new InvalidArgumentError(
        `limit must be an integer from 1 to ${MAX_HOT_KEYS}, got ${String(limit)}`,
      );
    }
    const { answers, nodes } = await this.askAll(
      (member, options) => this.options.source.hotKeys(member, { group, limit }, options),
      // A node without the group answered all the same: it has nothing to add.
      (error) => error instanceof RingcacheError && error.code === 'unknown_group',
    );
    const lists = answers.flatMap((answer) => (answer ? [answer.keys] : []));
    if (lists.length === 0) throw new UnknownGroupError(group);
    const byKey = new Map<string, HotKey>();
    if (this.options.local) lists.push(this.options.local.hotKeys(group, limit));
    for (const list of lists) {
      for (const { key, count, rate, error } of list) {
        const sum = byKey.get(key);
        if (sum) {
          sum.count += count;
          sum.rate += rate;
          sum.error += error;
        } else {
          byKey.set(key, { key, count, rate, error });
        }
      }
    }
    const keys = [...byKey.values()]
      .sort((a, b) => b.rate - a.rate || (a.key < b.key ? -1 : 1))
      .slice(0, limit);
    return { group, keys, nodes };
  }

  /**
   * Asks every member at once. Errors that `accepted` says are as good as an answer count as answers, kept
   * as undefined. Fails only when no member is known or none answered.
   */
  private async askAll<T>(
    ask: (member: Member, options: CallOptions) => Promise<T>,
    accepted: (error: unknown) => boolean = () => false,
  ): Promise<{ answers: (T | undefined)[]; nodes: NodesAnswered }> {
    const members = this.options.members();
    if (members.length === 0) throw new UnavailableError('no cache nodes are known');
    const options = { deadlineMs: this.options.deadlineMs };
    const settled = await Promise.allSettled(members.map((member) => ask(member, options)));
    const answers: (T | undefined)[] = [];
    const failed: NodesAnswered['failed'] = [];
    settled.forEach((result, i) => {
      const node = members[i].name;
      if (result.status === 'fulfilled') answers.push(result.value);
      else if (accepted(result.reason)) answers.push(undefined);
      else failed.push({ node, error: messageOf(result.reason) });
    });
    if (answers.length === 0) {
      throw new UnavailableError(
        `no cache node answered: ${failed.map((f) => `${f.node}: ${f.error}`).join('; ')}`,
      );
    }
    return { answers, nodes: { asked: members.length, answered: answers.length, failed } };
  }
}

function emptyLru(): LruStats {
  return { hits: 0, misses: 0, evictions: 0, expirations: 0, rejections: 0, bytes: 0, items: 0 };
}

function emptyGroup(name: string): ClusterGroupStats {
  return {
    name,
    nodes: 0,
    gets: {
      total: 0,
      hits: 0,
      misses: 0,
      notFound: 0,
      errors: 0,
      byOutcome: { hit: 0, hot: 0, peer: 0, load: 0, stale: 0, not_found: 0, error: 0 },
    },
    loads: { ok: 0, not_found: 0, error: 0 },
    hotCacheHits: 0,
    nearCacheHits: 0,
    evictions: 0,
    bytes: 0,
    items: 0,
    main: emptyLru(),
    hot: emptyLru(),
  };
}

/**
 * Adds one node's counters. Each field is read on its own and a missing one counts 0, so nodes of an
 * older or newer version, with other fields, still add up.
 */
function addGroup(sum: ClusterGroupStats, stats: Partial<GroupStats>): void {
  sum.nodes++;
  const gets = (stats.gets ?? {}) as Partial<Record<GetOutcome, number>>;
  for (const outcome of OUTCOMES) sum.gets.byOutcome[outcome] += count(gets[outcome]);
  const by = sum.gets.byOutcome;
  sum.gets.hits = by.hit + by.hot;
  sum.gets.misses = by.peer + by.load + by.stale;
  sum.gets.notFound = by.not_found;
  sum.gets.errors = by.error;
  sum.gets.total = sum.gets.hits + sum.gets.misses + sum.gets.notFound + sum.gets.errors;
  sum.hotCacheHits = by.hot;
  const loads = (stats.loads ?? {}) as Partial<ClusterGroupStats['loads']>;
  sum.loads.ok += count(loads.ok);
  sum.loads.not_found += count(loads.not_found);
  sum.loads.error += count(loads.error);
  addLru(sum.main, stats.main);
  addLru(sum.hot, stats.hot);
  sum.evictions = sum.main.evictions + sum.hot.evictions;
  sum.bytes = sum.main.bytes + sum.hot.bytes;
  sum.items = sum.main.items + sum.hot.items;
}

function addLru(sum: LruStats, stats: Partial<LruStats> | undefined): void {
  for (const field of Object.keys(sum) as (keyof LruStats)[]) sum[field] += count(stats?.[field]);
}

/** A counter as sent by a node: a finite non-negative number, else 0. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
