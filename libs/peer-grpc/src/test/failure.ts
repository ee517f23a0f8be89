import { RingcacheError } from '@ringcache/cache-core';

/** The error a call rejects with (fails the test when it resolves, or rejects with something else). */
export async function failure(promise: Promise<unknown>): Promise<RingcacheError> {
  const error = await promise.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RingcacheError);
  return error as RingcacheError;
}
