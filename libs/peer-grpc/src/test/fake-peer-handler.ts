import {
  InvalidArgumentError,
  KeyTooLongError,
  LoadError,
  LoadTimeoutError,
  UnimplementedError,
  UnknownGroupError,
} from '@ringcache/cache-core';
import type {
  DeleteRequest,
  DeleteResponse,
  GetManyRequest,
  GetManyResponse,
  GetRequest,
  GetResponse,
  PeerHandler,
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
 * - `hang`: never answers until {@link release} is called.
 * - `buggy`: throws a plain Error, as a bug would.
 * - `readonly`: Set and Delete are unimplemented.
 * Any other group is unknown. It validates the way PeerService does where the tests need it: a group and a
 * non-empty key, a key length limit.
 */
export class FakePeerHandler implements PeerHandler {
  /** Every request received, in order, as the handler saw it. */
  readonly received: unknown[] = [];
  private readonly entries = new Map<string, { value: Uint8Array; expireAtMs: number }>();
  private readonly hanging: (() => void)[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Puts an entry into `scores` directly. */
  put(key: string, value: Uint8Array, expireAtMs = 0): void {
    this.entries.set(key, { value, expireAtMs });
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
    this.check(request.group, request.key);
    const expireAtMs = request.ttlMs > 0 ? this.now() + request.ttlMs : 0;
    this.entries.set(request.key, { value: Buffer.from(request.value), expireAtMs });
    return { expireAtMs };
  }

  async delete(request: DeleteRequest): Promise<DeleteResponse> {
    this.received.push(request);
    this.check(request.group, request.key);
    return { deleted: this.entries.delete(request.key) };
  }

  private async lookup(group: string, key: string): Promise<GetResponse> {
    switch (group) {
      case 'broken':
        throw new LoadError(group, key, { cause: new Error('connect ECONNREFUSED 127.0.0.1:3306') });
      case 'slow':
        throw new LoadTimeoutError(group, key, 2_500);
      case 'hang':
        await new Promise<void>((resolve) => this.hanging.push(resolve));
        return { found: false, value: new Uint8Array(0), expireAtMs: 0 };
      case 'buggy':
        throw new Error('secret database password in a stack trace');
    }
    this.check(group, key);
    const entry = this.entries.get(key);
    return entry ? { found: true, ...entry } : { found: false, value: new Uint8Array(0), expireAtMs: 0 };
  }

  private check(group: string, key: string): void {
    if (typeof group !== 'string' || group === '')
      throw new InvalidArgumentError('group must be a non-empty string');
    if (group === 'readonly') throw new UnimplementedError('Set');
    if (group !== 'scores') throw new UnknownGroupError(group);
    if (typeof key !== 'string' || key === '')
      throw new InvalidArgumentError('key must be a non-empty string');
    const bytes = Buffer.byteLength(key);
    if (bytes > FAKE_MAX_KEY_BYTES) throw new KeyTooLongError(bytes, FAKE_MAX_KEY_BYTES);
  }
}
