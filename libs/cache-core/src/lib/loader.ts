/** What a loader found for a key. */
export type LoadResult =
  | {
      found: true;
      value: Uint8Array;
      /** This entry's time to live in ms; default the group's. */
      ttlMs?: number;
    }
  | { found: false };

/** Loads a key from the source of truth (a database). Throwing means "could not tell", never cached. */
export interface Loader {
  load(key: string): Promise<LoadResult>;
  /**
   * Optional: many keys in one go (a table group's single `WHERE key IN (…)` query), answered in the order
   * of `keys`, one result per key. The group calls it for the misses it gathers in one turn of the event
   * loop (two keys or more); a throw fails every key of the call.
   */
  loadMany?(keys: string[]): Promise<LoadResult[]>;
}

/** Adapts a function to the Loader interface. */
export function loaderFn(load: (key: string) => Promise<LoadResult>): Loader {
  return { load };
}

/** A LoadResult for a found value; strings are stored as UTF-8. */
export function found(value: Uint8Array | string, ttlMs?: number): LoadResult {
  return { found: true, value: typeof value === 'string' ? Buffer.from(value) : value, ttlMs };
}

/** The LoadResult for a key the source does not have. */
export const notFound: LoadResult = Object.freeze({ found: false });
