import { InvalidArgumentError, KeyTooLongError, RingcacheError, ValueTooLargeError } from './errors';
import { MAX_TTL_MS, MIN_TTL_MS } from './group-options';
import type { SetEntry } from './protocol';

/** The limits a group's keys and values are checked against. */
export interface EntryLimits {
  maxKeyBytes: number;
  maxValueBytes: number;
}

/** A key a group may hold: a non-empty string of at most `maxKeyBytes` bytes (UTF-8). */
export function checkKey(key: string, maxKeyBytes: number): void {
  if (typeof key !== 'string' || key.length === 0)
    throw new InvalidArgumentError('key must be a non-empty string');
  const bytes = Buffer.byteLength(key);
  if (bytes > maxKeyBytes) throw new KeyTooLongError(bytes, maxKeyBytes);
}

/** An entry a set may store; `index` names it in the message when it is one of a batch. */
export function checkEntry({ key, value, ttlMs }: SetEntry, limits: EntryLimits, index?: number): void {
  try {
    checkKey(key, limits.maxKeyBytes);
    if (!(value instanceof Uint8Array)) throw new InvalidArgumentError('value must be bytes');
    if (value.byteLength > limits.maxValueBytes)
      throw new ValueTooLargeError(value.byteLength, limits.maxValueBytes);
    if (!Number.isSafeInteger(ttlMs) || (ttlMs !== 0 && (ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS))) {
      throw new InvalidArgumentError(
        `ttl must be between ${MIN_TTL_MS / 1000} s and 30 days, got ${ttlMs} ms`,
      );
    }
  } catch (error) {
    if (index !== undefined && error instanceof RingcacheError)
      error.message = `entry ${index}: ${error.message}`;
    throw error;
  }
}
