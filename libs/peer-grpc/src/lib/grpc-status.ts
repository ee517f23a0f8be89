import { status } from '@grpc/grpc-js';

import type { ErrorCode } from '@ringcache/cache-core';

/** Trailing metadata key that carries the ringcache error code next to the gRPC status. */
export const RINGCACHE_CODE_METADATA = 'x-ringcache-code';

/**
 * The gRPC status of each ringcache error code — the one place this mapping lives. A `Record` over
 * ErrorCode, so adding a code to cache-core fails to compile until it has a status here.
 *
 * Statuses are coarse (key_too_long and invalid_argument share one; three codes share UNAVAILABLE), which is
 * why the exact code also travels in {@link RINGCACHE_CODE_METADATA}.
 */
export const GRPC_STATUS_BY_CODE: Readonly<Record<ErrorCode, status>> = Object.freeze({
  invalid_argument: status.INVALID_ARGUMENT,
  key_too_long: status.INVALID_ARGUMENT,
  value_too_large: status.RESOURCE_EXHAUSTED,
  unknown_group: status.NOT_FOUND,
  peer_unavailable: status.UNAVAILABLE,
  unavailable: status.UNAVAILABLE,
  load_failed: status.UNAVAILABLE,
  load_timeout: status.DEADLINE_EXCEEDED,
  unimplemented: status.UNIMPLEMENTED,
  overloaded: status.RESOURCE_EXHAUSTED,
  internal: status.INTERNAL,
});
