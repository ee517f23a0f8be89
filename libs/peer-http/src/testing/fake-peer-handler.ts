import {
  asRingcacheError,
  InvalidArgumentError,
  KeyTooLongError,
  LoadError,
  PeerUnavailableError,
  UnknownGroupError,
  type DeleteManyRequest,
  type DeleteManyResponse,
  type DeleteRequest,
  type DeleteResponse,
  type ExpireRequest,
  type ExpireResponse,
  type FlushRequest,
  type FlushResponse,
  type GetManyRequest,
  type GetManyResponse,
  type GetRequest,
  type GetResponse,
  type PeerHandler,
  type RequestContext,
  type SetManyRequest,
  type SetManyResponse,
  type SetRequest,
  type SetResponse,
} from '@ringcache/cache-core';

/** Keys the fake answers specially, to provoke each kind of failure. */
export const FAKE_KEYS = {
  /** The loader fails: LoadError (503, recoverable). */
  loadFails: 'load-fails',
  /** The node's own peer is unreachable: PeerUnavailableError (503). */
  peerDown: 'peer-down',
  /** A bug: a plain TypeError whose message must not reach the caller. */
  bug: 'bug',
  /** Never answers (until release()). */
  hang: 'hang',
  /** A cached "not found" served stale (stale: true, found: false). */
  staleNotFound: 'stale-not-found',
} as const;

/** Expiry the fake gives to not-found answers, so tests can see it cross the wire. */
export const NOT_FOUND_EXPIRE_AT = 1_700_000_000_000;
/** Longest key the fake accepts, in UTF-8 bytes. */
export const FAKE_MAX_KEY_BYTES = 256;

interface Entry {
  value: Buffer;
  expireAtMs: number;
  stale: boolean;
}

/**
 * An in-memory PeerHandler for the codec's tests: groups of byte values, a few keys that fail on purpose,
 * and a record of the request contexts it received. No validation beyond what the tests need. Flush keeps
 * the newest generation per group (and drops nothing); Expire drops the entries whose expiry is the one
 * given and has passed, and counts those due within a second as scheduled.
 */
export class FakePeerHandler implements PeerHandler {
  readonly contexts: RequestContext[] = [];
  /** The request id of every Get (one per key of a GetMany), Set and Delete, in order. */
  readonly requestIds: (string | undefined)[] = [];
  /** Delete, Flush and Expire requests, in order, as the handler saw them. */
  readonly received: (DeleteRequest | DeleteManyRequest | SetManyRequest | FlushRequest | ExpireRequest)[] =
    [];
  readonly groups = new Map<string, Map<string, Entry>>();
  private readonly generations = new Map<string, number>();
  private hanging: (() => void)[] = [];

  constructor(groups: string[] = ['scores']) {
    for (const name of groups) this.groups.set(name, new Map());
  }

  /** Stores a value directly; a `stale` one is answered with `stale: true`. */
  put(group: string, key: string, value: Buffer | string, expireAtMs = 0, stale = false): void {
    this.group(group).set(key, { value: Buffer.from(value), expireAtMs, stale });
  }

  /** Answers every hanging request (not found), so nothing stays pending after a test. */
  release(): void {
    for (const resolve of this.hanging.splice(0)) resolve();
  }

  async get(request: GetRequest): Promise<GetResponse> {
    this.contexts.push({ ringVersion: request.ringVersion, hops: request.hops });
    this.requestIds.push(request.requestId);
    const entries = this.group(request.group);
    const { key } = request;
    const bytes = Buffer.byteLength(key);
    if (bytes > FAKE_MAX_KEY_BYTES) throw new KeyTooLongError(bytes, FAKE_MAX_KEY_BYTES);
    if (key === FAKE_KEYS.loadFails) {
      throw new LoadError(request.group, key, { cause: new Error('database is down') });
    }
    if (key === FAKE_KEYS.peerDown) throw new PeerUnavailableError('node-c', 'Get', 'connect ECONNREFUSED');
    if (key === FAKE_KEYS.bug) throw new TypeError('secret internal detail');
    if (key === FAKE_KEYS.hang) await new Promise<void>((resolve) => this.hanging.push(resolve));
    if (key === FAKE_KEYS.staleNotFound) {
      return { found: false, value: Buffer.alloc(0), expireAtMs: NOT_FOUND_EXPIRE_AT, stale: true };
    }
    const entry = entries.get(key);
    if (!entry) return { found: false, value: Buffer.alloc(0), expireAtMs: NOT_FOUND_EXPIRE_AT };
    const { value, expireAtMs, stale } = entry;
    return stale ? { found: true, value, expireAtMs, stale } : { found: true, value, expireAtMs };
  }

  async getMany(request: GetManyRequest): Promise<GetManyResponse> {
    this.group(request.group);
    if (request.keys.length === 0) throw new InvalidArgumentError('keys must be a non-empty list');
    // As Group.getMany: a key that fails carries its error (an internal one without its details).
    const results = await Promise.all(
      request.keys.map((key) =>
        this.get({ ...request, key }).catch((error: unknown): GetResponse => {
          const { code, message } = asRingcacheError(error);
          const shown = code === 'internal' ? 'internal error' : message;
          return { found: false, value: Buffer.alloc(0), expireAtMs: 0, error: { code, message: shown } };
        }),
      ),
    );
    return { results };
  }

  async set(request: SetRequest): Promise<SetResponse> {
    this.contexts.push({ ringVersion: request.ringVersion, hops: request.hops });
    this.requestIds.push(request.requestId);
    const expireAtMs = request.ttlMs > 0 ? Date.now() + request.ttlMs : 0;
    const entry = { value: Buffer.from(request.value), expireAtMs, stale: false };
    this.group(request.group).set(request.key, entry);
    return { expireAtMs };
  }

  async setMany(request: SetManyRequest): Promise<SetManyResponse> {
    this.contexts.push({ ringVersion: request.ringVersion, hops: request.hops });
    this.requestIds.push(request.requestId);
    this.received.push(request);
    const results = request.entries.map(({ key, value, ttlMs }) => {
      const expireAtMs = ttlMs > 0 ? Date.now() + ttlMs : 0;
      this.group(request.group).set(key, { value: Buffer.from(value), expireAtMs, stale: false });
      return { expireAtMs };
    });
    return { results };
  }

  async deleteMany(request: DeleteManyRequest): Promise<DeleteManyResponse> {
    this.contexts.push({ ringVersion: request.ringVersion, hops: request.hops });
    this.requestIds.push(request.requestId);
    this.received.push(request);
    const entries = this.group(request.group);
    return { results: request.keys.map((key) => ({ deleted: entries.delete(key) })) };
  }

  async delete(request: DeleteRequest): Promise<DeleteResponse> {
    this.contexts.push({ ringVersion: request.ringVersion, hops: request.hops });
    this.requestIds.push(request.requestId);
    this.received.push(request);
    return { deleted: this.group(request.group).delete(request.key) };
  }

  async flush(request: FlushRequest): Promise<FlushResponse> {
    this.received.push(request);
    this.group(request.group);
    const generation = Math.max(this.generations.get(request.group) ?? 0, request.generation);
    this.generations.set(request.group, generation);
    return { generation };
  }

  async expire(request: ExpireRequest): Promise<ExpireResponse> {
    this.received.push(request);
    const now = Date.now();
    let removed = 0;
    let scheduled = 0;
    for (const { group, key, expireAtMs } of request.keys) {
      const entries = this.group(group);
      if (entries.get(key)?.expireAtMs !== expireAtMs) continue;
      if (expireAtMs <= now) removed += Number(entries.delete(key));
      else if (expireAtMs <= now + 1_000) scheduled++;
    }
    return { removed, scheduled };
  }

  private group(name: string): Map<string, Entry> {
    const group = this.groups.get(name);
    if (!group) throw new UnknownGroupError(name);
    return group;
  }
}
