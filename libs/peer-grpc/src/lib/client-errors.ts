import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

import {
  InvalidArgumentError,
  KeyTooLongError,
  LoadError,
  LoadTimeoutError,
  PeerUnavailableError,
  RingcacheError,
  UnavailableError,
  UnimplementedError,
  UnknownGroupError,
  ValueTooLargeError,
} from '@ringcache/cache-core';
import type { ErrorCode } from '@ringcache/cache-core';

import { isErrorCode, RINGCACHE_CODE_METADATA } from './grpc-status';

/** What a failed call was: which peer, which operation, for which group and key. */
export interface CallContext {
  peer: string;
  /** The RPC name: Get, GetMany, Set, Delete, Flush or Expire. */
  operation: string;
  /** The group; '' for Expire, whose keys may span groups. */
  group: string;
  /** The key, the keys joined with a comma for GetMany, '' for Flush and Expire. */
  key: string;
}

type Rebuild = (context: CallContext, cause: ServiceError) => RingcacheError;

/**
 * One constructor per ringcache code, so an error crosses the hop as the same class, with the same `code`
 * and `recoverable`. Several constructors build their message from facts the wire does not carry (byte
 * counts, limits); {@link fromServiceError} replaces it with the server's own message afterwards.
 */
const REBUILD: Readonly<Record<ErrorCode, Rebuild>> = {
  invalid_argument: (_c, e) => new InvalidArgumentError(e.details),
  key_too_long: () => new KeyTooLongError(0, 0),
  value_too_large: () => new ValueTooLargeError(0, 0),
  unknown_group: (c) => new UnknownGroupError(c.group),
  peer_unavailable: (c, e) => new PeerUnavailableError(c.peer, c.operation, e.details, { cause: e }),
  load_failed: (c, e) => new LoadError(c.group, c.key, { cause: e }),
  load_timeout: (c) => new LoadTimeoutError(c.group, c.key, 0),
  unavailable: (_c, e) => new UnavailableError(e.details, { cause: e }),
  unimplemented: (c) => new UnimplementedError(c.operation),
  internal: (_c, e) => new RingcacheError('internal', e.details, false, { cause: e }),
};

/** Statuses that mean "this peer could not answer", whoever produced them: try the next owner. */
const UNREACHABLE = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED]);

/**
 * The RingcacheError for a failed call. A ringcache code in the trailers wins: the server reported that
 * error, and it is rebuilt with the server's message. Without one the status came from the transport (the
 * peer is down, the deadline passed, the connection broke) or from a server that is not ringcache's.
 */
export function fromServiceError(error: ServiceError, context: CallContext): RingcacheError {
  const code = error.metadata?.get(RINGCACHE_CODE_METADATA)[0];
  if (isErrorCode(code)) {
    const rebuilt = REBUILD[code](context, error);
    rebuilt.message = error.details;
    return rebuilt;
  }
  const statusName = status[error.code] ?? String(error.code);
  const detail = `${statusName}: ${error.details}`;
  if (UNREACHABLE.has(error.code))
    return new PeerUnavailableError(context.peer, context.operation, detail, { cause: error });
  if (error.code === status.UNIMPLEMENTED) return new UnimplementedError(context.operation);
  return new RingcacheError(
    'internal',
    `${context.operation} on peer ${context.peer} failed: ${detail}`,
    false,
    {
      cause: error,
    },
  );
}
