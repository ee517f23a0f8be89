import type { Metadata } from '@grpc/grpc-js';

import { newRequestId, REQUEST_ID_HEADER, requestIdOf } from '@ringcache/cache-core';

/**
 * The request id a call carries in its `x-request-id` metadata. A call without a valid one gets an id of
 * this process's, written into its metadata so that everything later serving the call (the error filter
 * too) names the same id.
 */
export function requestIdFrom(metadata: Metadata | undefined): string {
  const given = requestIdOf(metadata?.get(REQUEST_ID_HEADER)[0]);
  if (given !== undefined) return given;
  const made = newRequestId();
  metadata?.set(REQUEST_ID_HEADER, made);
  return made;
}
