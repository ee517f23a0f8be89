import { RingcacheError, UnavailableError } from '@ringcache/cache-core';

/**
 * The errors a client call can reject with. The cluster's own are cache-core's classes, re-exported so
 * that `instanceof`, `code` and `recoverable` are the very ones the nodes and the gRPC codec use; only the
 * two errors that exist on the client side alone are defined here.
 */
export {
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
export type { ErrorCode } from '@ringcache/cache-core';

/**
 * `getOrThrow` found no value: the source of truth has no such key. Not a RingcacheError, because on the
 * wire "not found" is an answer (and is cached by the owner), never a failure; `recoverable` is false
 * since asking again, or elsewhere, gives the same answer until the key is written.
 */
export class NotFoundError extends Error {
  readonly code = 'not_found' as const;
  readonly recoverable = false;

  constructor(
    readonly group: string,
    readonly key: string,
  ) {
    super(`${group}/${key} not found`);
    this.name = 'NotFoundError';
  }
}

/** A call on a client that was closed (or closed while the call waited). Not recoverable: make a new client. */
export class ClientClosedError extends RingcacheError {
  constructor(operation: string) {
    super('unavailable', `${operation}: the ringcache client is closed`, false);
  }
}

/**
 * A `setMany` or `deleteMany` some of whose keys' owners could not be reached: those keys were not written,
 * the others were (a batch is split per owner and is not atomic across them). `results` holds each entry's
 * outcome, in request order: its answer, or its error.
 */
export class BatchWriteError<R> extends UnavailableError {
  constructor(
    message: string,
    readonly results: (R | { error: RingcacheError })[],
  ) {
    super(message);
    this.name = 'BatchWriteError';
  }
}
