import { copyBytes, type Entry } from './entry';
import { RingcacheError } from './errors';
import { checkEntry, checkKey } from './group-checks';
import type { GroupOptions } from './group-options';
import { failedKey, isLoadFailure } from './group-results';
import type { GetOptions, GroupGetResult } from './group-types';
import { LocalGroup, type Fetched } from './local-group';
import { PeerCopies } from './peer-copies';
import type { RequestContext, SetEntry } from './protocol';
import { byOwner, type ForwardCall } from './write-routing';

export type { ExpireResult, GetOptions, GetOutcome, GroupGetResult, GroupStats } from './group-types';

/** Keys dropForeign looks at in one event-loop turn (~5 ms at ~0.5 µs a ring lookup). */
const SWEEP_SLICE = 10_000;

/**
 * A named cache with a loader: answers a key from its main cache (keys this node owns), its hot cache
 * (copies of popular keys owned elsewhere), the key's owner, or the loader — loading each key at most once
 * at a time on this node however many callers ask (singleflight). Writes (set, delete) go to the owner,
 * which then has every other node drop its copy; a load in flight during a write never stores its
 * outdated answer (WriteFence). What it keeps on this node is LocalGroup's.
 */
export class Group extends LocalGroup {
  /** Which keys other nodes may hold copies of: the fan-out after a write goes only where one may be. */
  private readonly copies: PeerCopies;
  /** The walk of dropForeign under way, if any: hits are checked against the ring until it ends. */
  private sweep?: symbol;

  constructor(options: GroupOptions) {
    super(options);
    this.copies = new PeerCopies({
      maxAgeMs: this.o.hotMaxAgeMs,
      maxKeys: this.o.trackedCopies,
      now: this.o.now,
    });
  }

  /**
   * The value of `key`. A request that already made a hop (`context.hops >= 1`) is answered here — from
   * cache or by loading — and never forwarded again. The returned bytes are a copy, so callers cannot change
   * what the cache holds — unless `options.copy` is false: then they are the cache's own, for a codec that
   * only writes them to the wire (cached values are never changed in place, only replaced). With
   * stale-on-error, an expired value is served (flagged stale) when reloading it fails.
   */
  async get(
    key: string,
    context: RequestContext = { hops: 0, ringVersion: '' },
    options: GetOptions = {},
  ): Promise<GroupGetResult> {
    checkKey(key, this.o.maxKeyBytes);
    const copy = options.copy ?? true;
    // Client requests only: a forwarded request (a hop) was counted where it entered the cluster.
    if (context.hops === 0) this.requests?.record(key);
    // A node that asks with a hop may keep what it gets: a write of this key must then tell it.
    else this.copies.servedToPeer(key);
    let cached = this.main.get(key);
    if (cached && this.sweep && this.ownedElsewhere(key)) {
      this.main.delete(key);
      cached = undefined;
    }
    if (cached && this.fresh(cached)) return this.answer(cached, 'hit', copy);
    const hot = cached ? undefined : this.hot.get(key);
    if (hot) return this.answer(hot, 'hot', copy);
    try {
      const fetched = await this.fetch(key, context);
      return this.answer(fetched.entry, fetched.outcome, copy);
    } catch (error) {
      if (cached?.value !== undefined && isLoadFailure(error)) {
        this.counters.gets.stale++;
        return {
          found: true,
          value: copy ? Buffer.from(cached.value) : cached.value,
          expireAtMs: cached.expireAtMs,
          stale: true,
          outcome: 'stale',
        };
      }
      this.counters.gets.error++;
      throw error;
    }
  }

  /**
   * Many keys, answered in order. A key that fails (its load, say) carries its error and the others are
   * still answered; their misses are loaded together (LoadBatcher).
   */
  async getMany(
    keys: string[],
    context: RequestContext,
    options: GetOptions = {},
  ): Promise<GroupGetResult[]> {
    return Promise.all(keys.map((key) => this.get(key, context, options).catch(failedKey)));
  }

  /**
   * Stores `value` at the key's owner with `ttlMs` (0: the group's default), then has every other node
   * drop its copy. A set is not retried elsewhere when the owner is unreachable: a value stored on another
   * node would be lost, or shadowed, once the owner answers again.
   */
  async set(
    key: string,
    value: Uint8Array,
    ttlMs: number,
    context: RequestContext,
  ): Promise<{ expireAtMs: number }> {
    return (await this.setMany([{ key, value, ttlMs }], context))[0];
  }

  /**
   * Stores many entries, each at its owner (here, or forwarded with one call per owner), then has every
   * other node drop its copies — one call per node for the whole batch. Every entry is checked first: an
   * invalid one fails the call and nothing is stored. Answers in order.
   */
  async setMany(entries: SetEntry[], context: RequestContext): Promise<{ expireAtMs: number }[]> {
    entries.forEach((entry, i) => checkEntry(entry, this.o, entries.length > 1 ? i : undefined));
    return byOwner(entries, (e) => this.remoteOwner(e.key, context), this.forwardCall(context), {
      // A lone entry goes as a plain Set: the cheaper call on either transport.
      remote: (owner, part, call) =>
        part.length === 1
          ? owner.set({ group: this.name, ...part[0], ...call.context }, call.options).then((r) => [r])
          : owner
              .setMany({ group: this.name, entries: part, ...call.context }, call.options)
              .then((r) => r.results),
      local: async (part) => {
        this.checkExpiryRecorded(part);
        // With no hop yet, the entries here are the ones the ring gave this node (remoteOwner).
        const owned = context.hops === 0;
        const results = part.map(({ key, value, ttlMs }) => {
          this.counters.writes.sets++;
          this.beforeWrite(key);
          const entry = this.store(key, copyBytes(value), ttlMs || this.o.ttlMs, owned);
          this.o.onInvalidate?.({ kind: 'key', group: this.name, key });
          return { expireAtMs: entry.expireAtMs };
        });
        await this.invalidateOthers(
          part.map((e) => e.key),
          context.requestId,
        );
        return results;
      },
    });
  }

  /**
   * Drops `key` everywhere: at its owner, which then has every other node drop its copy — or, with
   * `localOnly` (that fan-out), on this node only. Returns whether the answering node held the key.
   */
  async delete(
    key: string,
    context: RequestContext & { localOnly?: boolean },
  ): Promise<{ deleted: boolean }> {
    return (await this.deleteMany([key], context))[0];
  }

  /** Drops many keys, as `delete` does each, with one call per owner and one fan-out per node. */
  async deleteMany(
    keys: string[],
    context: RequestContext & { localOnly?: boolean },
  ): Promise<{ deleted: boolean }[]> {
    keys.forEach((key) => checkKey(key, this.o.maxKeyBytes));
    if (context.localOnly) return keys.map((key) => ({ deleted: this.dropLocal(key) }));
    return byOwner(keys, (key) => this.remoteOwner(key, context), this.forwardCall(context), {
      remote: (owner, part, call) =>
        part.length === 1
          ? owner.delete({ group: this.name, key: part[0], ...call.context }, call.options).then((r) => [r])
          : owner
              .deleteMany({ group: this.name, keys: part, ...call.context }, call.options)
              .then((r) => r.results),
      local: async (part) => {
        const results = part.map((key) => {
          this.counters.writes.deletes++;
          const deleted = this.dropLocal(key);
          this.o.onInvalidate?.({ kind: 'key', group: this.name, key });
          return { deleted };
        });
        await this.invalidateOthers(part, context.requestId);
        return results;
      },
    });
  }

  /**
   * Drops the entries of keys this node no longer owns, after a ring change. A node that owned a key while
   * its owner was off the ring (crashed, hung past its lease) must not keep it once the owner is back: the
   * owner's writes reach only the nodes that fetched the key from it, so the copy would never be dropped,
   * and would be served again whenever the owner cannot be reached. A large cache is walked in slices of
   * SWEEP_SLICE keys, one per event-loop turn, so the node goes on answering meanwhile; until the walk ends,
   * a hit is checked against the ring and a foreign entry dropped rather than served. A newer ring change
   * starts a new walk and ends this one. Resolves with how many entries this walk dropped.
   */
  async dropForeign(): Promise<number> {
    const walk = Symbol('sweep');
    this.sweep = walk;
    let dropped = 0;
    let seen = 0;
    try {
      for (const key of this.main.slotKeys()) {
        if (this.ownedElsewhere(key) && this.main.delete(key)) dropped++;
        if (++seen % SWEEP_SLICE === 0) {
          await new Promise(setImmediate);
          if (this.sweep !== walk) return dropped;
        }
      }
      return dropped;
    } finally {
      if (this.sweep === walk) this.sweep = undefined;
    }
  }

  /** How a write this node forwards to an owner is sent: one more hop, the group's peer deadline. */
  private forwardCall(context: RequestContext): ForwardCall {
    return {
      context: { ringVersion: this.o.peers.ringVersion, hops: context.hops + 1 },
      options: { deadlineMs: this.o.peerDeadlineMs, requestId: context.requestId },
    };
  }

  /** The remote owner a request with no hop yet must go to, or undefined when this node answers it. */
  private remoteOwner(key: string, context: RequestContext) {
    if (context.hops > 0) return undefined;
    const [owner] = this.o.peers.route(this.ringKey(key), 1);
    return owner === undefined || owner === 'self' ? undefined : owner;
  }

  /** A miss: load here (this node owns the key, or the request made its hop), or ask the owners. */
  private async fetch(key: string, context: RequestContext): Promise<Fetched> {
    if (context.hops > 0) return { entry: await this.loadLocally(key), outcome: 'load' };
    const [owner] = this.o.peers.route(this.ringKey(key), 1);
    if (owner === undefined || owner === 'self')
      return { entry: await this.loadLocally(key), outcome: 'load' };
    // Callers that join a flight already under way are served by the first caller's peer call, and so
    // under its request id.
    return this.forwards.do(key, () => this.fetchFromOwners(key, context.requestId));
  }

  /**
   * Asks the key's owner, then the next owner, each with a deadline; loads locally when the route reaches
   * this node, or as a last resort when no peer answered. Only an unreachable peer causes a fallback: an
   * error the owner reports (its database is down, say) would fail the same way elsewhere.
   */
  private async fetchFromOwners(key: string, requestId: string | undefined): Promise<Fetched> {
    const startedAt = this.fence.begin();
    try {
      const route = this.o.peers.route(this.ringKey(key));
      for (let i = 0; i < route.length; i++) {
        const step = route[i];
        if (step === 'self') return { entry: await this.loadLocally(key), outcome: 'load' };
        if (i > 0) this.counters.peers.fallbacks++;
        try {
          const response = await step.get(
            { group: this.name, key, ringVersion: this.o.peers.ringVersion, hops: 1 },
            { deadlineMs: this.o.peerDeadlineMs, requestId },
          );
          this.counters.peers.ok++;
          const entry: Entry = {
            value: response.found ? copyBytes(response.value) : undefined,
            expireAtMs: response.expireAtMs,
          };
          // A stale answer is for this caller only; a copy fetched before a write of the key is outdated.
          // Only the owner's answer may be kept: it knows it gave a copy away, and tells it of writes.
          if (i === 0 && !response.stale && this.fence.current(key, startedAt)) this.maybeKeepHot(key, entry);
          return { entry, outcome: response.stale ? 'stale' : 'peer' };
        } catch (error) {
          if (!(error instanceof RingcacheError) || error.code !== 'peer_unavailable') throw error;
          this.counters.peers.unavailable++;
        }
      }
      this.counters.peers.lastResort++;
      return { entry: await this.loadLocally(key), outcome: 'load' };
    } finally {
      this.fence.settled(key, this.forwards.has(key) || this.loads.has(key));
    }
  }

  /**
   * After writes at the owner: every other node drops its copies, in one call per node (which the peer
   * client batches further with other writes of the same turn); unreachable ones are counted. Each call may
   * take half the peer deadline: the writer waits for this node a whole peer deadline, so a node that hangs
   * (until outlier detection skips it) delays the write's answer without making the writer give up on a
   * write that was stored — or take this node for a hung one.
   */
  private async invalidateOthers(written: string[], requestId: string | undefined): Promise<void> {
    const others = this.o.peers.others();
    const ringVersion = this.o.peers.ringVersion;
    const keys =
      others.length === 0 ? [] : written.filter((key) => this.copies.mayBeHeldElsewhere(key, ringVersion));
    this.counters.invalidations.skipped += written.length - keys.length;
    if (keys.length === 0) return;
    const results = await Promise.allSettled(
      others.map((peer) =>
        peer.deleteMany(
          { group: this.name, keys, localOnly: true, ringVersion: this.o.peers.ringVersion, hops: 1 },
          { deadlineMs: Math.max(1, Math.floor(this.o.peerDeadlineMs / 2)), requestId },
        ),
      ),
    );
    this.counters.invalidations.sent += others.length * keys.length;
    this.counters.invalidations.failed += results.filter((r) => r.status === 'rejected').length * keys.length;
  }
}
