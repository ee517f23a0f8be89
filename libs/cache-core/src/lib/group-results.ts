import { asRingcacheError, RingcacheError } from './errors';
import { EMPTY } from './entry';
import type { GroupGetResult } from './group-types';
import type { LoadResult } from './loader';

/** Failures of the source of truth, after which an expired value may be served stale. */
export function isLoadFailure(error: unknown): boolean {
  return error instanceof RingcacheError && (error.code === 'load_failed' || error.code === 'load_timeout');
}

/** A key of a GetMany that failed: its error travels in the answer, the other keys are unaffected. */
export function failedKey(error: unknown): GroupGetResult {
  const { code, message } = asRingcacheError(error);
  // An internal error is a bug here: its details are for this node's logs, not for the caller.
  return {
    found: false,
    value: EMPTY,
    expireAtMs: 0,
    outcome: 'error',
    error: { code, message: code === 'internal' ? 'internal error' : message },
  };
}

export function checkLoadResult(result: LoadResult): void {
  if (!result || typeof result.found !== 'boolean') throw new TypeError('loader returned no {found} result');
  if (result.found) {
    if (!(result.value instanceof Uint8Array))
      throw new TypeError('loader returned a value that is not bytes');
    const ttl = result.ttlMs;
    if (ttl !== undefined && (!Number.isFinite(ttl) || ttl < 0))
      throw new TypeError(`loader returned ttlMs ${ttl}`);
  }
}
