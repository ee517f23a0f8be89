import {
  InvalidArgumentError,
  MAX_BATCH_KEYS,
  RingcacheError,
  ValueTooLargeError,
  type SetEntry,
} from '@ringcache/cache-core';

import { scanBatchEntries } from './batch-scan';
import { parseJsonBytes } from './large-json';
import { parseTtl } from './query-params';

/** The JSON object of a batch request's raw body; `shape` names the expected form in the message. */
export function jsonBody(body: unknown, shape: string): Record<string, unknown> {
  if (!Buffer.isBuffer(body)) throw new InvalidArgumentError(`the body must be JSON: ${shape}`);
  let parsed: unknown;
  try {
    parsed = parseJsonBytes(body);
  } catch {
    throw new InvalidArgumentError(`the body must be JSON: ${shape}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidArgumentError(`the body must be ${shape}`);
  return parsed as Record<string, unknown>;
}

/** `{"keys": [...]}` of a batchGet or batchDelete: 1 to 1,000 strings (the router checks each key). */
export function batchKeys(body: unknown): string[] {
  const keys = jsonBody(body, '{"keys": ["...", ...]}')['keys'];
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string'))
    throw new InvalidArgumentError('the body must be {"keys": [...]} with string keys');
  return listSize(keys, 'keys');
}

/**
 * `{"entries": [{"key", "value" (base64), "ttl"?}, ...]}` of a batchSet: 1 to 1,000 entries, each checked
 * with the rules of a single PUT — a bad ttl or value is 400, a value over `maxValueBytes` 413 — and the
 * first bad entry fails the whole batch, so nothing of it is stored. Keys are checked by the router.
 */
export function batchEntries(body: unknown, maxValueBytes: number): SetEntry[] {
  const plain = Buffer.isBuffer(body) ? scanBatchEntries(body) : undefined;
  if (plain) {
    try {
      return checkedEntries(plain, maxValueBytes);
    } catch {
      // Read again below: JSON.parse says what is wrong, in the words it always has.
    }
  }
  const shape = '{"entries": [{"key", "value" (base64), "ttl"?}, ...]}';
  const entries = jsonBody(body, shape)['entries'];
  if (!Array.isArray(entries)) throw new InvalidArgumentError(`the body must be ${shape}`);
  return checkedEntries(listSize(entries, 'entries'), maxValueBytes);
}

/** Each entry checked with the rules of a single PUT; the first bad one throws, named by its index. */
function checkedEntries(entries: unknown[], maxValueBytes: number): SetEntry[] {
  // The entries of a batch mostly share one ttl: each distinct text is parsed once.
  const ttls = new Map<unknown, number>();
  return entries.map((raw: unknown, i) => {
    const at = () => `entries[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new InvalidArgumentError(`${at()} must be {"key", "value", "ttl"?}`);
    const { key, value, ttl } = raw as Record<string, unknown>;
    for (const field in raw)
      if (field !== 'key' && field !== 'value' && field !== 'ttl')
        throw new InvalidArgumentError(`${at()}: unknown field ${field}`);
    if (typeof key !== 'string') throw new InvalidArgumentError(`${at()}.key must be a string`);
    const bytes = typeof value === 'string' ? strictBase64(value) : undefined;
    if (!bytes) throw new InvalidArgumentError(`${at()}.value must be the value in base64`);
    if (bytes.byteLength > maxValueBytes)
      throw named(at(), new ValueTooLargeError(bytes.byteLength, maxValueBytes));
    let ttlMs = ttl === undefined ? 0 : ttls.get(ttl);
    if (ttlMs === undefined) {
      try {
        ttlMs = parseTtl(typeof ttl === 'number' ? String(ttl) : ttl);
      } catch (error) {
        throw named(at(), error as RingcacheError);
      }
      ttls.set(ttl, ttlMs);
    }
    return { key, value: bytes, ttlMs };
  });
}

/**
 * The bytes of `text` in strict base64 (RFC 4648, standard alphabet, padded), or undefined if it is not.
 * Node's decoder skips or stops at anything else and takes the URL-safe alphabet too, so the text is
 * refused unless it decodes to exactly the length its size and padding promise, without `-` or `_`.
 * (The same texts as the regular expression `^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$`,
 * at a quarter of its cost.)
 */
export function strictBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || text.includes('-') || text.includes('_')) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = Buffer.from(text, 'base64');
  return bytes.byteLength === (text.length / 4) * 3 - padding ? bytes : undefined;
}

function listSize<T>(list: T[], what: string): T[] {
  if (list.length === 0) throw new InvalidArgumentError(`${what} must not be empty`);
  if (list.length > MAX_BATCH_KEYS)
    throw new InvalidArgumentError(`at most ${MAX_BATCH_KEYS} ${what} per request, got ${list.length}`);
  return list;
}

/** The error with the entry it is about in front of its message. */
function named<E extends RingcacheError>(at: string, error: E): E {
  error.message = `${at}: ${error.message}`;
  return error;
}
