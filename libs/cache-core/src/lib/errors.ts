/**
 * Typed errors of the cache. Each has a stable `code`; the edges (HTTP and gRPC codecs) map codes to
 * status codes in one place each. `recoverable` marks errors worth retrying elsewhere — the caller may
 * try the next owner — as opposed to errors that would fail the same way on any node.
 */
export type ErrorCode =
  | 'invalid_argument'
  | 'key_too_long'
  | 'value_too_large'
  | 'unknown_group'
  | 'peer_unavailable'
  | 'load_failed'
  | 'load_timeout'
  | 'unavailable'
  | 'unimplemented'
  | 'overloaded'
  | 'internal';

/** Base class of every ringcache error. */
export class RingcacheError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** True when another node, or a later attempt, may succeed. */
    readonly recoverable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request field is missing or malformed. */
export class InvalidArgumentError extends RingcacheError {
  constructor(message: string) {
    super('invalid_argument', message);
  }
}

/** A key is longer than the limit. */
export class KeyTooLongError extends RingcacheError {
  constructor(bytes: number, limit: number) {
    super('key_too_long', `key is ${bytes} bytes, over the limit of ${limit}`);
  }
}

/** A value is larger than the limit. */
export class ValueTooLargeError extends RingcacheError {
  constructor(bytes: number, limit: number) {
    super('value_too_large', `value is ${bytes} bytes, over the limit of ${limit}`);
  }
}

/** No group of that name is registered on the node. */
export class UnknownGroupError extends RingcacheError {
  constructor(readonly group: string) {
    super('unknown_group', `unknown group ${JSON.stringify(group)}`);
  }
}

/** A peer could not be reached or did not answer in time; the next owner may. */
export class PeerUnavailableError extends RingcacheError {
  constructor(
    readonly peer: string,
    readonly operation: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('peer_unavailable', `${operation} on peer ${peer} failed: ${detail}`, true, options);
  }
}

/** The group's loader failed (the database is down, say). Never cached. */
export class LoadError extends RingcacheError {
  constructor(group: string, key: string, options: { cause?: unknown }) {
    super('load_failed', `loading ${group}/${key} failed: ${describe(options.cause)}`, true, options);
  }
}

/** The group's loader did not answer within the load timeout. */
export class LoadTimeoutError extends RingcacheError {
  constructor(group: string, key: string, timeoutMs: number) {
    super('load_timeout', `loading ${group}/${key} took longer than ${timeoutMs} ms`, true);
  }
}

/** No node could serve the request (all owners unreachable). */
export class UnavailableError extends RingcacheError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', message, true, options);
  }
}

/** The operation is not served by this node's version. */
export class UnimplementedError extends RingcacheError {
  constructor(operation: string) {
    super('unimplemented', `${operation} is not served by this node`);
  }
}

/**
 * The process has as many requests in flight as it takes: it answers at once instead of queueing (503 with
 * Retry-After, gRPC RESOURCE_EXHAUSTED). Not recoverable: asking the next owner would spread the overload.
 */
export class OverloadedError extends RingcacheError {
  constructor(message: string) {
    super('overloaded', message);
  }
}

/** Wraps anything thrown that is not a RingcacheError, keeping it as the cause. */
export function asRingcacheError(error: unknown): RingcacheError {
  if (error instanceof RingcacheError) return error;
  return new RingcacheError('internal', describe(error), false, { cause: error });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
