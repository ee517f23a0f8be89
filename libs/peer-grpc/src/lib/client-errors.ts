import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

import {
  isErrorCode,
  PeerUnavailableError,
  rebuildError,
  RingcacheError,
  UnimplementedError,
} from '@ringcache/cache-core';

import { RINGCACHE_CODE_METADATA } from './grpc-status';

/** What a failed call was: which peer, which operation, for which group and key. */
export interface CallContext {
  peer: string;
  /** The RPC name: Get, GetMany, Set, Delete, Flush, Expire, Stats, HotKeys, ... */
  operation: string;
  /** The group; '' for Expire, whose keys may span groups. */
  group: string;
  /** The key, the keys joined with a comma for GetMany, '' for Flush and Expire. */
  key: string;
}

/** Statuses that mean "this peer could not answer", whoever produced them: try the next owner. */
const UNREACHABLE = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED]);

/**
 * The RingcacheError for a failed call. A ringcache code in the trailers wins: the server reported that
 * error, and it is rebuilt with the server's message. Without one the status came from the transport (the
 * peer is down, the deadline passed, the connection broke) or from a server that is not ringcache's.
 */
export function fromServiceError(error: ServiceError, context: CallContext): RingcacheError {
  const code = error.metadata?.get(RINGCACHE_CODE_METADATA)[0];
  if (isErrorCode(code)) return rebuildError(code, error.details, context, error);
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
