import { InvalidArgumentError, MAX_HOT_KEYS } from '@ringcache/cache-core';
import { parseDuration } from '@ringcache/config';

/** Hot keys answered when `?limit` is absent. */
export const DEFAULT_HOT_LIMIT = 10;

/** A query parameter given exactly once, as a string. */
export function single(name: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new InvalidArgumentError(
      value === undefined
        ? `query parameter ${name} is required`
        : `query parameter ${name} must be given once`,
    );
  }
  return value;
}

/** `?ttl=`: a duration ("30s", "5m", "1h", "2d", or ms), between 1 s and 30 days. */
export function parseTtl(raw: unknown): number {
  const text = single('ttl', raw);
  let ms: number;
  try {
    ms = parseDuration(/^\d+$/.test(text) ? Number(text) : text);
  } catch (error) {
    throw new InvalidArgumentError(`ttl: ${(error as Error).message}`);
  }
  if (ms < 1_000 || ms > 30 * 24 * 3600 * 1000)
    throw new InvalidArgumentError(`ttl must be between 1s and 30d, got ${text}`);
  return ms;
}

/** `?limit=` of the hot keys: an integer from 1 to MAX_HOT_KEYS; absent means DEFAULT_HOT_LIMIT. */
export function parseLimit(raw: unknown): number {
  if (raw === undefined) return DEFAULT_HOT_LIMIT;
  const text = single('limit', raw);
  const limit = /^[0-9]{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(limit >= 1 && limit <= MAX_HOT_KEYS)) {
    throw new InvalidArgumentError(
      `limit must be an integer from 1 to ${MAX_HOT_KEYS}, got ${JSON.stringify(text)}`,
    );
  }
  return limit;
}
