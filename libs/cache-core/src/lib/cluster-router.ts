import { InvalidArgumentError, KeyTooLongError, RingcacheError, UnavailableError } from './errors';
import { MAX_BATCH_KEYS } from './peer-service';
import { groupIndexes } from './index-groups';
import { rebuildError } from './remote-errors';
import type { PeerSet } from './peer-set';
import type {
  CallOptions,
  DeleteResponse,
  GetManyResponse,
  GetResponse,
  PeerClient,
  SetEntry,
  SetResponse,
} from './protocol';

import type {
  ClusterRouterOptions,
  ClusterRouterStats,
  FlushResult,
  RouteOptions,
  WriteResult,
} from './cluster-router-types';

export type { ClusterRouterOptions, ClusterRouterStats, FlushResult, RouteOptions, WriteResult };

/**
 * A client's way into the cluster, used by the gateway and the SDK: sends each request straight to its
 * key's owner (one hop), as the nodes' own ring would. Reads that find
 * the owner unreachable go to the next owner — marked as having made a hop, so that node answers itself
 * rather than forwarding to the dead owner it may still have on its ring. Writes do not fall back: they
 * fail as unavailable, since a value stored elsewhere would be shadowed once the owner is back.
 */
export class ClusterRouter {
  private readonly peers: PeerSet;
  private readonly deadlineMs: number;
  private readonly maxKeyBytes: number;
  private readonly nextGeneration: (group: string) => Promise<number>;
  private readonly counters: ClusterRouterStats = {
    upstream: { ok: 0, unavailable: 0, error: 0 },
    fallbacks: 0,
    unavailable: 0,
  };

  constructor(options: ClusterRouterOptions) {
    this.peers = options.peers;
    this.deadlineMs = options.deadlineMs;
    this.maxKeyBytes = options.maxKeyBytes;
    this.nextGeneration = options.nextGeneration;
  }

  /** The value of `key` in `group`, from its owner (or the next owner). */
  async get(group: string, key: string, options: RouteOptions = {}): Promise<GetResponse> {
    this.check(group, key);
    const call = this.callOptions(options);
    return this.withFallback(group, key, (peer, hops) =>
      peer.get({ group, key, ringVersion: this.peers.ringVersion, hops }, call),
    );
  }

  /**
   * Many keys of one group, in request order: one GetMany per owner, all in parallel. An owner that is
   * unreachable has its keys fetched one by one from their next owners.
   */
  async getMany(group: string, keys: string[], options: RouteOptions = {}): Promise<GetResponse[]> {
    if (keys.length === 0) throw new InvalidArgumentError('keys must be a non-empty list');
    if (keys.length > MAX_BATCH_KEYS)
      throw new InvalidArgumentError(`at most ${MAX_BATCH_KEYS} keys per request, got ${keys.length}`);
    for (const key of keys) this.check(group, key);
    const byOwner = groupIndexes(keys, (key) => this.ownerOf(group, key));
    const results: GetResponse[] = new Array(keys.length);
    await Promise.all(
      [...byOwner].map(async ([owner, indexes]) => {
        const batch = indexes.map((i) => keys[i]);
        let response: GetManyResponse;
        try {
          response = await owner.getMany(
            { group, keys: batch, ringVersion: this.peers.ringVersion, hops: 0 },
            this.callOptions(options),
          );
          this.counters.upstream.ok++;
        } catch (error) {
          if (!isUnavailable(error)) {
            this.counters.upstream.error++;
            throw error;
          }
          this.counters.upstream.unavailable++;
          await Promise.all(indexes.map(async (i) => (results[i] = await this.get(group, keys[i], options))));
          return;
        }
        await Promise.all(
          indexes.map(async (i, n) => {
            const result = response.results[n];
            if (!result.error) {
              results[i] = result;
              return;
            }
            const { code, message } = result.error;
            // The owner could not reach the key's owner on its own ring: ask the next owner, as for a get.
            if (code !== 'peer_unavailable')
              throw rebuildError(code, message, {
                peer: owner.name,
                operation: 'GetMany',
                group,
                key: keys[i],
              });
            results[i] = await this.get(group, keys[i], options);
          }),
        );
      }),
    );
    return results;
  }

  /** Stores a value at the key's owner, which invalidates every other copy. */
  async set(
    group: string,
    key: string,
    value: Uint8Array,
    ttlMs: number,
    options: RouteOptions = {},
  ): Promise<{ expireAtMs: number }> {
    this.check(group, key);
    return this.atOwner(group, key, (peer) =>
      peer.set(
        { group, key, value, ttlMs, ringVersion: this.peers.ringVersion, hops: 0 },
        this.callOptions(options),
      ),
    );
  }

  /**
   * Stores many entries of one group: one SetMany per owner, in parallel. Every key is checked before
   * anything is sent. Owners that cannot be reached fail their own entries only (the others are stored):
   * each result is the entry's expiry, or its error.
   */
  async setMany(
    group: string,
    entries: SetEntry[],
    options: RouteOptions = {},
  ): Promise<WriteResult<SetResponse>[]> {
    this.checkBatch(
      group,
      entries.map((e) => e.key),
    );
    return this.perOwner(
      group,
      entries,
      (e) => e.key,
      'SetMany',
      (owner, part) =>
        owner
          .setMany(
            { group, entries: part, ringVersion: this.peers.ringVersion, hops: 0 },
            this.callOptions(options),
          )
          .then((r) => r.results),
    );
  }

  /** Invalidates many keys of one group cluster-wide: one DeleteMany per owner, as setMany. */
  async deleteMany(
    group: string,
    keys: string[],
    options: RouteOptions = {},
  ): Promise<WriteResult<DeleteResponse>[]> {
    this.checkBatch(group, keys);
    return this.perOwner(
      group,
      keys,
      (key) => key,
      'DeleteMany',
      (owner, part) =>
        owner
          .deleteMany(
            { group, keys: part, ringVersion: this.peers.ringVersion, hops: 0 },
            this.callOptions(options),
          )
          .then((r) => r.results),
    );
  }

  /** Invalidates a key cluster-wide (its owner drops it and tells every other node). */
  async delete(group: string, key: string, options: RouteOptions = {}): Promise<{ deleted: boolean }> {
    this.check(group, key);
    return this.atOwner(group, key, (peer) =>
      peer.delete({ group, key, ringVersion: this.peers.ringVersion, hops: 0 }, this.callOptions(options)),
    );
  }

  /**
   * Flushes a group cluster-wide: a new generation (in etcd, where every node watches it), then every
   * node is told directly, so that when this returns no reachable node serves an older entry.
   */
  async flush(group: string, options: RouteOptions = {}): Promise<FlushResult> {
    if (group.length === 0) throw new InvalidArgumentError('group must not be empty');
    const nodes = this.peers.others();
    if (nodes.length === 0) throw new UnavailableError('no cache nodes are known');
    const generation = await this.nextGeneration(group);
    const call = this.callOptions(options);
    const results = await Promise.allSettled(nodes.map((peer) => peer.flush({ group, generation }, call)));
    // An unknown group is the same answer from every node: report it rather than a partial flush.
    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    const fatal = rejected.find((error) => !isUnavailable(error));
    if (fatal) throw fatal;
    const unreachable = nodes.filter((_, i) => results[i].status === 'rejected').map((peer) => peer.name);
    return { generation, nodes: nodes.length - unreachable.length, unreachable };
  }

  /** A snapshot of the counters. */
  stats(): ClusterRouterStats {
    return {
      upstream: { ...this.counters.upstream },
      fallbacks: this.counters.fallbacks,
      unavailable: this.counters.unavailable,
    };
  }

  private callOptions(options: RouteOptions): CallOptions {
    return { deadlineMs: this.deadlineMs, requestId: options.requestId };
  }

  /** A batch of writes: 1 to MAX_BATCH_KEYS keys, each valid. */
  private checkBatch(group: string, keys: string[]): void {
    if (keys.length === 0) throw new InvalidArgumentError('a batch must have at least one entry');
    if (keys.length > MAX_BATCH_KEYS)
      throw new InvalidArgumentError(`at most ${MAX_BATCH_KEYS} entries per request, got ${keys.length}`);
    for (const key of keys) this.check(group, key);
  }

  /** The owner of `group/key` on the ring; UnavailableError (counted) while no node is known. */
  private ownerOf(group: string, key: string): PeerClient {
    const [owner] = this.peers.route(`${group}/${key}`, 1);
    if (owner === undefined || owner === 'self') {
      this.counters.unavailable++;
      throw new UnavailableError('no cache nodes are known');
    }
    return owner;
  }

  /**
   * A write of many items: one call per owner, in parallel, no fallback (as for single writes). An owner
   * that is unreachable fails its own items with UnavailableError; any other error (a bad entry the owner
   * refused, an unknown group) fails the whole call, since it would fail the same way everywhere.
   */
  private async perOwner<T, R>(
    group: string,
    items: T[],
    keyOf: (item: T) => string,
    operation: string,
    send: (owner: PeerClient, part: T[]) => Promise<R[]>,
  ): Promise<WriteResult<R>[]> {
    const byOwner = groupIndexes(items, (item) => this.ownerOf(group, keyOf(item)));
    const results: WriteResult<R>[] = new Array(items.length);
    await Promise.all(
      [...byOwner].map(async ([owner, indexes]) => {
        try {
          const answers = await send(
            owner,
            indexes.map((i) => items[i]),
          );
          this.counters.upstream.ok++;
          indexes.forEach((i, n) => (results[i] = answers[n]));
        } catch (error) {
          if (!isUnavailable(error)) {
            this.counters.upstream.error++;
            throw error;
          }
          this.counters.upstream.unavailable++;
          this.counters.unavailable++;
          const failed = new UnavailableError(
            `${operation}: the owner of ${indexes.length} of the keys (${owner.name}) is unreachable: ${(error as Error).message}`,
            { cause: error },
          );
          for (const i of indexes) results[i] = { error: failed };
        }
      }),
    );
    return results;
  }

  private check(group: string, key: string): void {
    if (group.length === 0) throw new InvalidArgumentError('group must not be empty');
    if (key.length === 0) throw new InvalidArgumentError('key must not be empty');
    const bytes = Buffer.byteLength(key);
    if (bytes > this.maxKeyBytes) throw new KeyTooLongError(bytes, this.maxKeyBytes);
  }

  /**
   * Tries the owner, then the next owner (with one hop), for a read. The next owner is looked up only when
   * the owner could not be reached, on the ring as it is then: when the ring changed meanwhile, its new
   * owner is asked first, with no hop, and the owner that just failed is not asked again.
   */
  private async withFallback<T>(
    group: string,
    key: string,
    call: (peer: PeerClient, hops: number) => Promise<T>,
  ): Promise<T> {
    const ringKey = `${group}/${key}`;
    const [owner] = this.peers.route(ringKey, 1);
    let lastError: RingcacheError | undefined;
    if (owner !== undefined && owner !== 'self') {
      try {
        const result = await call(owner, 0);
        this.counters.upstream.ok++;
        return result;
      } catch (error) {
        lastError = this.unreachable(error);
      }
    }
    const route = owner === undefined ? [] : this.peers.route(ringKey);
    for (let i = 0; i < route.length; i++) {
      const peer = route[i];
      if (peer === 'self' || peer === owner) continue;
      this.counters.fallbacks++;
      try {
        const result = await call(peer, i);
        this.counters.upstream.ok++;
        return result;
      } catch (error) {
        lastError = this.unreachable(error);
      }
    }
    this.counters.unavailable++;
    throw new UnavailableError(
      owner === undefined
        ? 'no cache nodes are known'
        : `no owner of ${group}/${key} answered: ${lastError?.message ?? ''}`,
      { cause: lastError },
    );
  }

  /**
   * The error of a peer that could not be reached, counted. Any other error is counted and thrown: the
   * owner answered, and the next owner would fail the same way.
   */
  private unreachable(error: unknown): RingcacheError {
    if (!isUnavailable(error)) {
      this.counters.upstream.error++;
      throw error;
    }
    this.counters.upstream.unavailable++;
    return error as RingcacheError;
  }

  /** Calls the owner only, for a write. */
  private async atOwner<T>(group: string, key: string, call: (peer: PeerClient) => Promise<T>): Promise<T> {
    const owner = this.ownerOf(group, key);
    try {
      const result = await call(owner);
      this.counters.upstream.ok++;
      return result;
    } catch (error) {
      if (isUnavailable(error)) {
        this.counters.upstream.unavailable++;
        this.counters.unavailable++;
        throw new UnavailableError(
          `the owner of ${group}/${key} (${owner.name}) is unreachable: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      this.counters.upstream.error++;
      throw error;
    }
  }
}

function isUnavailable(error: unknown): boolean {
  return error instanceof RingcacheError && error.code === 'peer_unavailable';
}
