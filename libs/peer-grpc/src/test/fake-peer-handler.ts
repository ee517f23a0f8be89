import {
  InvalidArgumentError,
  KeyTooLongError,
  LoadError,
  LoadTimeoutError,
  UnimplementedError,
  UnknownGroupError,
} from '@ringcache/cache-core';
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
  PeerHandler,
  SetManyRequest,
  SetManyResponse,
  SetRequest,
  SetResponse,
} from '@ringcache/cache-core';

/** Longest key the fake accepts, in UTF-8 bytes (small, so tests can exceed it cheaply). */
export const FAKE_MAX_KEY_BYTES = 16;

/**
 * An in-memory PeerHandler for transport tests, with groups that misbehave on purpose:
 * - `scores`: a plain map; Get of a missing key answers found = false.
 * - `broken`: every load fails (LoadError, recoverable).
 * - `slow`: every load times out (LoadTimeoutError).
 * - `hang`: never answers until {@link release} is called (Get, Flush, and Expire of any key in it).
 * - `buggy`: throws a plain Error, as a bug would.
 * - `readonly`: every operation is unimplemented.
 * Any other group is unknown. It validates the way PeerService does where the tests need it: a group and a
 * non-empty key, a key length limit. Flush keeps the newest generation it was given (and drops nothing);
 * Expire drops the `scores` entries whose expiry is the one given and has passed, and counts those due
 * within a second as scheduled.
 */
export class FakePeerHandler implements PeerHandler {
  /** Every request received, in order, as the handler saw it. */
  readonly received: unknown[] = [];
  private readonly entries = new Map<string, { value: Uint8Array; expireAtMs: number; stale: boolean }>();
  private readonly hanging: (() => void)[] = [];
  private generation = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Puts an entry into `scores` directly; a `stale` one is answered with `stale: true`. */
  put(key: string, value: Uint8Array, expireAtMs = 0, stale = false): void {
    this.entries.set(key, { value, expireAtMs, stale });
  }

  /** Whether `scores` holds `key`. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Lets every hanging call finish (answering not found), e.g. before closing the server. */
  release(): void {
    for (const resolve of this.hanging.splice(0)) resolve();
  }

  async get(request: GetRequest): Promise<GetResponse> {
    this.received.push(request);
    return this.lookup(request.group, request.key);
  }

  async getMany(request: GetManyRequest): Promise<GetManyResponse> {
    this.received.push(request);
    if (request.keys.length === 0) throw new InvalidArgumentError('keys must be a non-empty list');
    return { results: await Promise.all(request.keys.map((key) => this.lookup(request.group, key))) };
  }

  async set(request: SetRequest): Promise<SetResponse> {
    this.received.push(request);
    this.check(request.group, request.key, 'Set');
    const expireAtMs = request.ttlMs > 0 ? this.now() + request.ttlMs : 0;
    this.entries.set(request.key, { value: Buffer.from(request.value), expireAtMs, stale: false });
    return { expireAtMs };
  }

  async setMany(request: SetManyRequest): Promise<SetManyResponse> {
    this.received.push(request);
    const results: SetResponse[] = [];
    for (const entry of request.entries) {
      this.check(request.group, entry.key, 'SetMany');
      const expireAtMs = entry.ttlMs > 0 ? this.now() + entry.ttlMs : 0;
      this.entries.set(entry.key, { value: Buffer.from(entry.value), expireAtMs, stale: false });
      results.push({ expireAtMs });
    }
    return { results };
  }

  async deleteMany(request: DeleteManyRequest): Promise<DeleteManyResponse> {
    this.received.push(request);
    for (const key of request.keys) this.check(request.group, key, 'DeleteMany');
    return { results: request.keys.map((key) => ({ deleted: this.entries.delete(key) })) };
  }

  async delete(request: DeleteRequest): Promise<DeleteResponse> {
    this.received.push(request);
    this.check(request.group, request.key, 'Delete');
    return { deleted: this.entries.delete(request.key) };
  }

  async flush(request: FlushRequest): Promise<FlushResponse> {
    this.received.push(request);
    if (request.group === 'hang') {
      await this.hang();
      return { generation: this.generation };
    }
    this.checkGroup(request.group, 'Flush');
    this.generation = Math.max(this.generation, request.generation);
    return { generation: this.generation };
  }

  async expire(request: ExpireRequest): Promise<ExpireResponse> {
    this.received.push(request);
    if (request.keys.some((k) => k.group === 'hang')) {
      await this.hang();
      return { removed: 0, scheduled: 0 };
    }
    let removed = 0;
    let scheduled = 0;
    for (const { group, key, expireAtMs } of request.keys) {
      this.checkGroup(group, 'Expire');
      if (this.entries.get(key)?.expireAtMs !== expireAtMs) continue;
      if (expireAtMs <= this.now()) removed += Number(this.entries.delete(key));
      else if (expireAtMs <= this.now() + 1_000) scheduled++;
    }
    return { removed, scheduled };
  }

  private async lookup(group: string, key: string): Promise<GetResponse> {
    switch (group) {
      case 'broken':
        throw new LoadError(group, key, { cause: new Error('connect ECONNREFUSED 127.0.0.1:3306') });
      case 'slow':
        throw new LoadTimeoutError(group, key, 2_500);
      case 'hang':
        await this.hang();
        return { found: false, value: new Uint8Array(0), expireAtMs: 0 };
      case 'buggy':
        throw new Error('secret database password in a stack trace');
    }
    this.check(group, key, 'Get');
    const entry = this.entries.get(key);
    if (!entry) return { found: false, value: new Uint8Array(0), expireAtMs: 0 };
    const { value, expireAtMs, stale } = entry;
    return stale ? { found: true, value, expireAtMs, stale } : { found: true, value, expireAtMs };
  }

  private hang(): Promise<void> {
    return new Promise<void>((resolve) => this.hanging.push(resolve));
  }

  private check(group: string, key: string, operation: string): void {
    this.checkGroup(group, operation);
    if (typeof key !== 'string' || key === '')
      throw new InvalidArgumentError('key must be a non-empty string');
    const bytes = Buffer.byteLength(key);
    if (bytes > FAKE_MAX_KEY_BYTES) throw new KeyTooLongError(bytes, FAKE_MAX_KEY_BYTES);
  }

  private checkGroup(group: string, operation: string): void {
    if (typeof group !== 'string' || group === '')
      throw new InvalidArgumentError('group must be a non-empty string');
    if (group === 'readonly') throw new UnimplementedError(operation);
    if (group !== 'scores') throw new UnknownGroupError(group);
  }
}
