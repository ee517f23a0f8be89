import { RingcacheError } from '@ringcache/cache-core';

/**
 * The database could not be reached, or gave no answer in time: at startup, or under a load. Recoverable —
 * the database may come back, and another node may still reach it.
 */
export class DatabaseUnavailableError extends RingcacheError {
  constructor(
    /** Which database, as `mysql host:port/db` or `sqlite <path>`; never a password. */
    readonly database: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('unavailable', `${database} is unavailable: ${detail}`, true, options);
  }
}

/**
 * The database answered a query with an error (a missing table or column, say). Not recoverable: every node
 * would get the same answer.
 */
export class DatabaseQueryError extends RingcacheError {
  constructor(
    readonly database: string,
    /** What was being done, e.g. `reading student by name`. */
    readonly operation: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('load_failed', `${operation} in ${database} failed: ${detail}`, false, options);
  }
}

/**
 * The message of anything thrown. Duck-typed, not `instanceof Error`: better-sqlite3's native code keeps
 * the error class of the realm that first loaded it, so under Jest its errors fail that check.
 */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}
