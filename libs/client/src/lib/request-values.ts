import { InvalidArgumentError, ValueTooLargeError } from '@ringcache/cache-core';
import { parseDuration } from '@ringcache/config';

/** What `set` accepts as a value: bytes, or text stored as UTF-8. */
export type CacheValue = Buffer | Uint8Array | string;

/** Shortest and longest TTL a set may give: the gateway's `?ttl=` rule. */
export const MIN_TTL_MS = 1_000;
export const MAX_TTL_MS = 30 * 24 * 3_600_000;

/** The bytes of a value to store; text is UTF-8. Throws when it is not bytes or text, or is too large. */
export function valueBytes(value: unknown, maxValueBytes: number): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === 'string') bytes = Buffer.from(value, 'utf8');
  else if (value instanceof Uint8Array) bytes = value;
  else
    throw new InvalidArgumentError(
      `value must be a Buffer, a Uint8Array or a string, got ${typeName(value)}`,
    );
  if (bytes.byteLength > maxValueBytes) throw new ValueTooLargeError(bytes.byteLength, maxValueBytes);
  return bytes;
}

/**
 * A set's time to live in ms: 0 (the group's default TTL) when absent; otherwise ms as a number, or a
 * duration as text ("30s", "5m", "1h30m"), between 1 s and 30 days.
 */
export function ttlMs(ttl: unknown): number {
  if (ttl === undefined) return 0;
  let ms: number;
  if (typeof ttl === 'number') {
    if (!Number.isSafeInteger(ttl))
      throw new InvalidArgumentError(`ttl must be an integer of ms, got ${ttl}`);
    ms = ttl;
  } else if (typeof ttl === 'string') {
    try {
      ms = parseDuration(ttl);
    } catch (error) {
      throw new InvalidArgumentError(`ttl: ${(error as Error).message}`);
    }
  } else {
    throw new InvalidArgumentError(`ttl must be ms or a duration such as "30s", got ${typeName(ttl)}`);
  }
  if (ms < MIN_TTL_MS || ms > MAX_TTL_MS) {
    throw new InvalidArgumentError(
      `ttl must be between 1s and 30d (leave it out for the group's default), got ${JSON.stringify(ttl)}`,
    );
  }
  return ms;
}

/** A group or key argument: a string (the cluster checks emptiness and length). */
export function checkName(what: 'group' | 'key', value: unknown): string {
  if (typeof value !== 'string')
    throw new InvalidArgumentError(`${what} must be a string, got ${typeName(value)}`);
  return value;
}

/** A received value as a Buffer, without copying (grpc-js already decodes bytes to Buffers). */
export function asBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}
