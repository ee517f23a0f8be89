/** Counters of a {@link Singleflight}. */
export interface SingleflightStats {
  /** Calls of `fn` actually made. */
  executions: number;
  /** Calls of `do` that joined a call already in flight instead of making their own. */
  coalesced: number;
  /** Keys with a call in flight now. */
  inFlight: number;
}

/**
 * Coalesces concurrent work per key: while a call for a key is in flight, every other `do` for that key
 * gets the same promise instead of starting its own. When the call settles the key is free again, so the
 * next `do` runs afresh — results are shared, never cached.
 */
export class Singleflight<K = string, T = unknown> {
  private readonly calls = new Map<K, Promise<T>>();
  private executions = 0;
  private coalesced = 0;

  /**
   * Runs `fn` unless a call for `key` is in flight, and resolves with that call's outcome. A rejection or a
   * synchronous throw of `fn` reaches every waiter and frees the key.
   */
  do(key: K, fn: () => T | PromiseLike<T>): Promise<T> {
    const current = this.calls.get(key);
    if (current !== undefined) {
      this.coalesced++;
      return current;
    }
    this.executions++;
    let call: Promise<T>;
    try {
      call = Promise.resolve(fn());
    } catch (error) {
      call = Promise.reject(error);
    }
    // Free the key when the call settles, unless forget() already let a newer call take it. Registered
    // before any caller's reaction, so a caller that resumes on the result and calls again starts afresh.
    const release = () => {
      if (this.calls.get(key) === call) this.calls.delete(key);
    };
    call.then(release, release);
    this.calls.set(key, call);
    return call;
  }

  /** True while a call for `key` is in flight. */
  has(key: K): boolean {
    return this.calls.has(key);
  }

  /**
   * Lets the next `do(key)` start a new call even if one is in flight; callers already waiting keep
   * waiting for the old one. Use when the old call's result is known to be outdated.
   */
  forget(key: K): void {
    this.calls.delete(key);
  }

  /** `forget` for every key: after a flush, no new caller may join a call started before it. */
  forgetAll(): void {
    this.calls.clear();
  }

  /** A snapshot of the counters. */
  stats(): SingleflightStats {
    return { executions: this.executions, coalesced: this.coalesced, inFlight: this.calls.size };
  }
}
