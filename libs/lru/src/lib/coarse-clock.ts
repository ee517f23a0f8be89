/**
 * `Date.now()` read at most once per millisecond: the first call caches the time and starts a 1 ms
 * timer (unref'd, so it never keeps the process alive) that clears it. Reading the clock on every cache
 * hit costs more than the rest of the hit; a cached time is at most one timer turn old, so an entry can
 * outlive its expiry by about a millisecond — or by the length of a long synchronous task, during which
 * no timer runs — but never expires early.
 */
let cached = 0;

function clear(): void {
  cached = 0;
}

/** Current time in ms since the epoch, at most about 1 ms stale. */
export function coarseNow(): number {
  if (cached === 0) {
    cached = Date.now();
    setTimeout(clear, 1).unref();
  }
  return cached;
}
