import { Metadata } from '@grpc/grpc-js';
import type { StatusObject } from '@grpc/grpc-js';

import { RingcacheError, type ErrorCode } from '@ringcache/cache-core';

import { GRPC_STATUS_BY_CODE, RINGCACHE_CODE_METADATA } from './grpc-status';

/** What the peer server answers for an error that is not a RingcacheError: nothing of its message or stack. */
export const INTERNAL_ERROR_DETAILS = 'internal error';

/**
 * What the server tells a caller of an error: its ringcache code and message, or for anything that is not a
 * RingcacheError `internal` with a fixed message (the caller logs the original).
 */
export function wireError(error: unknown): { code: ErrorCode; details: string } {
  return error instanceof RingcacheError
    ? { code: error.code, details: error.message }
    : { code: 'internal', details: INTERNAL_ERROR_DETAILS };
}

/**
 * The gRPC status the server sends for an error thrown while serving a call: the status of its ringcache
 * code, the error's message as details, and the code in trailing metadata so the client can rebuild the
 * same error class. Anything else becomes INTERNAL with a fixed message (the caller logs the original).
 */
export function toGrpcStatus(error: unknown): StatusObject & { message: string } {
  const { code, details } = wireError(error);
  const metadata = new Metadata();
  metadata.set(RINGCACHE_CODE_METADATA, code);
  // `message` too: grpc-js reads `details` only beside a numeric `code`, and Nest's filters look at `message`.
  return { code: GRPC_STATUS_BY_CODE[code], details, message: details, metadata };
}
