import { InvalidArgumentError, UnimplementedError } from './errors';
import { MAX_HOT_KEYS } from './protocol';
import type { InvalidationHub } from './invalidation-hub';
import type { GroupRegistry } from './group-registry';
import type {
  DeleteManyRequest,
  DeleteManyResponse,
  DeleteRequest,
  DeleteResponse,
  ExpireRequest,
  ExpireResponse,
  FlushRequest,
  FlushResponse,
  GetManyRequest,
  GetManyResponse,
  GetRequest,
  GetResponse,
  HotKeysRequest,
  HotKeysResponse,
  Invalidation,
  NodeStatsResponse,
  PeerHandler,
  RequestContext,
  SetManyRequest,
  SetManyResponse,
  SetRequest,
  SetResponse,
} from './protocol';

/** Answers of the cache's own bytes, written to the wire as they are. */
const SHARED = { copy: false } as const;

/** Most keys in one GetMany. */
export const MAX_BATCH_KEYS = 1_000;
/** Most keys in one Expire call from the ttl-worker. */
export const MAX_EXPIRE_KEYS = 10_000;
/** Most hops a well-behaved sender ever sets (a forward is one hop; a fallback from a gateway is one). */
const MAX_HOPS = 8;

/** Counters of what a node received over the peer protocol. */
export interface PeerServiceStats {
  /** Requests received, by hop count. */
  requestsByHops: Record<number, number>;
  /** Requests whose ring version differed from this node's. */
  ringVersionMismatches: number;
}

/**
 * The protocol core behind both codecs: validates a decoded request, hands it to its group, and returns
 * the response model. The gRPC and HTTP servers only decode, call this, and encode — so hop rules, limits
 * and errors are the same on both.
 */
export class PeerService implements PeerHandler {
  private readonly byHops: Record<number, number> = {};
  private mismatches = 0;

  constructor(
    private readonly groups: GroupRegistry,
    /** This node's current ring version, for counting disagreements. */
    private readonly ringVersion: () => string = () => '',
    /** Where the node's groups publish invalidations; absent, the node offers no invalidation stream. */
    private readonly invalidations?: InvalidationHub,
  ) {}

  subscribe(listener: (event: Invalidation) => void): () => void {
    if (!this.invalidations) throw new UnimplementedError('the invalidation stream');
    return this.invalidations.subscribe(listener);
  }

  async get(request: GetRequest): Promise<GetResponse> {
    this.checkContext(request);
    const group = this.groups.require(checkGroup(request.group));
    // The codecs only encode the bytes: no copy of each value (see Group.get).
    return wire(await group.get(request.key, request, SHARED));
  }

  async getMany(request: GetManyRequest): Promise<GetManyResponse> {
    this.checkContext(request);
    const group = this.groups.require(checkGroup(request.group));
    const keys = checkList(request.keys, 'keys');
    return { results: (await group.getMany(keys, request, SHARED)).map(wire) };
  }

  async set(request: SetRequest): Promise<SetResponse> {
    this.checkContext(request);
    const group = this.groups.require(checkGroup(request.group));
    return group.set(request.key, request.value, request.ttlMs, request);
  }

  async setMany(request: SetManyRequest): Promise<SetManyResponse> {
    this.checkContext(request);
    const group = this.groups.require(checkGroup(request.group));
    const entries = checkList(request.entries, 'entries');
    for (const entry of entries) {
      if (typeof entry !== 'object' || entry === null)
        throw new InvalidArgumentError('every entry must be { key, value, ttlMs }');
    }
    return { results: await group.setMany(entries, request) };
  }

  async deleteMany(request: DeleteManyRequest): Promise<DeleteManyResponse> {
    this.checkContext(request);
    const group = this.groups.require(checkGroup(request.group));
    return { results: await group.deleteMany(checkList(request.keys, 'keys'), request) };
  }

  async delete(request: DeleteRequest): Promise<DeleteResponse> {
    this.checkContext(request);
    const group = this.groups.require(checkGroup(request.group));
    return group.delete(request.key, request);
  }

  async flush(request: FlushRequest): Promise<FlushResponse> {
    const group = this.groups.require(checkGroup(request.group));
    return { generation: group.flush(request.generation) };
  }

  async expire(request: ExpireRequest): Promise<ExpireResponse> {
    if (!Array.isArray(request.keys)) throw new InvalidArgumentError('keys must be a list');
    if (request.keys.length > MAX_EXPIRE_KEYS) {
      throw new InvalidArgumentError(
        `at most ${MAX_EXPIRE_KEYS} keys per expire call, got ${request.keys.length}`,
      );
    }
    let removed = 0;
    let scheduled = 0;
    // No keys: a sweep, sent when the delay queue may have lost expiries (a compacted revision).
    if (request.keys.length === 0) {
      for (const group of this.groups.all()) removed += group.pruneExpired();
      return { removed, scheduled };
    }
    for (const { group: name, key, expireAtMs } of request.keys) {
      // A group this node does not serve (a newer node's, say) holds nothing here: skip it.
      const group = typeof name === 'string' ? this.groups.find(name) : undefined;
      if (!group || typeof key !== 'string' || key === '' || !Number.isFinite(expireAtMs)) continue;
      const result = group.expire(key, expireAtMs);
      if (result === 'removed') removed++;
      else if (result === 'scheduled') scheduled++;
    }
    return { removed, scheduled };
  }

  async groupStats(): Promise<NodeStatsResponse> {
    return { groups: this.groups.all().map((group) => ({ name: group.name, stats: group.stats() })) };
  }

  async hotKeys(request: HotKeysRequest): Promise<HotKeysResponse> {
    const group = this.groups.require(checkGroup(request.group));
    const { limit } = request;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_HOT_KEYS) {
      throw new InvalidArgumentError(
        `limit must be an integer from 1 to ${MAX_HOT_KEYS}, got ${String(limit)}`,
      );
    }
    return { keys: group.hotKeys(limit) };
  }

  /** A snapshot of the counters. */
  stats(): PeerServiceStats {
    return { requestsByHops: { ...this.byHops }, ringVersionMismatches: this.mismatches };
  }

  private checkContext(context: RequestContext): void {
    const { hops, ringVersion } = context;
    if (!Number.isInteger(hops) || hops < 0 || hops > MAX_HOPS) {
      throw new InvalidArgumentError(`hops must be an integer in [0, ${MAX_HOPS}], got ${String(hops)}`);
    }
    if (typeof ringVersion !== 'string' || ringVersion.length > 64) {
      throw new InvalidArgumentError('ring version must be a string of at most 64 characters');
    }
    this.byHops[hops] = (this.byHops[hops] ?? 0) + 1;
    if (ringVersion !== '' && ringVersion !== this.ringVersion()) this.mismatches++;
  }
}

/** The response model of a get, without the group's bookkeeping (outcome). */
function wire({ found, value, expireAtMs, stale, error }: GetResponse): GetResponse {
  if (error) return { found, value, expireAtMs, error };
  return stale ? { found, value, expireAtMs, stale } : { found, value, expireAtMs };
}

/** A batch's list: non-empty, at most MAX_BATCH_KEYS long. */
function checkList<T>(list: T[], what: string): T[] {
  if (!Array.isArray(list) || list.length === 0)
    throw new InvalidArgumentError(`${what} must be a non-empty list`);
  if (list.length > MAX_BATCH_KEYS)
    throw new InvalidArgumentError(`at most ${MAX_BATCH_KEYS} ${what} per request, got ${list.length}`);
  return list;
}

function checkGroup(group: unknown): string {
  if (typeof group !== 'string' || group.length === 0)
    throw new InvalidArgumentError('group must be a non-empty string');
  return group;
}
