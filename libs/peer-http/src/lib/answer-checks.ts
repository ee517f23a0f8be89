/** How a client checks a peer's JSON answers before trusting them. */
import { RingcacheError } from '@ringcache/cache-core';

import type { Answer } from './http-exchange';
import { remoteError, type RemoteCall } from './remote-error';
import type { WireBatchResult } from './wire';

/** `{"results":[...]}` with `count` results, each passing `valid`. */
export function resultsOf(
  body: unknown,
  count: number,
  valid: (result: Record<string, unknown>) => boolean,
): boolean {
  const results = (body as { results?: unknown }).results;
  return (
    Array.isArray(results) &&
    results.length === count &&
    results.every((r: unknown) => typeof r === 'object' && r !== null && valid(r as Record<string, unknown>))
  );
}

export function isBatchAnswer(body: unknown): boolean {
  const results = (body as { results?: unknown }).results;
  return (
    Array.isArray(results) &&
    results.every(
      (r: Partial<WireBatchResult> | null) =>
        typeof r === 'object' &&
        r !== null &&
        typeof r.found === 'boolean' &&
        typeof r.value === 'string' &&
        typeof r.expireAtMs === 'number' &&
        (r.stale === undefined || typeof r.stale === 'boolean') &&
        (r.error === undefined ||
          (typeof r.error === 'object' &&
            r.error !== null &&
            typeof r.error.code === 'string' &&
            typeof r.error.message === 'string')),
    )
  );
}

/**
 * The JSON body of a 200 answer, checked by `valid`; other statuses are the errors they carry, and a body
 * that is not JSON or not what `valid` expects is a malformed answer.
 */
export function jsonAnswer<T>(answer: Answer, call: RemoteCall, valid: (body: unknown) => boolean): T {
  if (answer.status !== 200) throw remoteError(answer.status, answer.body, call);
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw malformedAnswer(call, 'body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || !valid(parsed))
    throw malformedAnswer(call, 'unexpected body');
  return parsed as T;
}

/** An answer a peer should not have given: an internal error naming the call. */
export function malformedAnswer(call: RemoteCall, detail: string): RingcacheError {
  return new RingcacheError(
    'internal',
    `${call.operation} on peer ${call.peer}: malformed answer: ${detail}`,
  );
}
