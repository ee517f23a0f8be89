import { InvalidArgumentError } from '@ringcache/cache-core';

/**
 * Table and column names we accept. Identifiers cannot be passed as query parameters, so they are
 * spliced into SQL: this allow-list (no quotes, spaces, dots or semicolons) is what makes that safe.
 */
const IDENTIFIER = /^[A-Za-z0-9_]{1,64}$/;

/** True when `name` is a safe table or column name: 1 to 64 of `A-Z a-z 0-9 _`. */
export function isSqlIdentifier(name: unknown): name is string {
  return typeof name === 'string' && IDENTIFIER.test(name);
}

/**
 * Returns `name` when it is a safe table or column name, else throws InvalidArgumentError naming the
 * option and the value, so misconfiguration fails where the loader is built, not on the first request.
 */
export function sqlIdentifier(name: unknown, option: string): string {
  if (!isSqlIdentifier(name)) {
    throw new InvalidArgumentError(
      `${option} must be 1 to 64 characters of A-Z, a-z, 0-9 or _; got ${JSON.stringify(name)}`,
    );
  }
  return name;
}
