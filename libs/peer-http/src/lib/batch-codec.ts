import { isUtf8 } from 'node:buffer';

import { isErrorCode, type GetResponse, type KeyError, type SetEntry } from '@ringcache/cache-core';

/**
 * The binary body of a batchGet answer (`application/x-ringcache-batch`, sent when the request accepts
 * it): values travel as the bytes they are, not as base64 inside JSON, which for 1 KiB values cost more
 * CPU than the rest of the hop. One record per requested key, in request order:
 *
 * ```
 * u8   flags        1 found · 2 stale · 4 error
 * f64  expireAtMs   big-endian, ms since the epoch; 0 = never
 * u32  length       big-endian, of what follows
 * ...  the value (found), the error as UTF-8 JSON {"code","message"} (error), or nothing
 * ```
 */
export const BATCH_TYPE = 'application/x-ringcache-batch';

const FOUND = 1;
const STALE = 2;
const ERROR = 4;
const HEADER_BYTES = 13;

/** The answers of a batchGet as one binary body. */
export function encodeBatchResults(results: GetResponse[]): Buffer {
  const errors = results.map((r) => (r.error ? Buffer.from(JSON.stringify(r.error)) : undefined));
  let size = 0;
  results.forEach((r, i) => {
    size += HEADER_BYTES + (errors[i]?.byteLength ?? (r.found ? r.value.byteLength : 0));
  });
  const body = Buffer.allocUnsafe(size);
  let at = 0;
  results.forEach((r, i) => {
    const error = errors[i];
    const payload = error ?? (r.found ? r.value : undefined);
    body[at] = (r.found && !error ? FOUND : 0) | (r.stale ? STALE : 0) | (error ? ERROR : 0);
    body.writeDoubleBE(r.expireAtMs, at + 1);
    body.writeUInt32BE(payload?.byteLength ?? 0, at + 9);
    at += HEADER_BYTES;
    if (payload) {
      body.set(payload, at);
      at += payload.byteLength;
    }
  });
  return body;
}

/**
 * The answers in a binary batch body, checked as it is read: `count` records that fill the body exactly.
 * Values are views into `body`, not copies. Throws a message naming what is wrong.
 */
export function decodeBatchResults(body: Buffer, count: number): GetResponse[] {
  const results: GetResponse[] = new Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + HEADER_BYTES > body.byteLength) throw new Error(`record ${i} of ${count} is cut short`);
    const flags = body[at];
    const expireAtMs = body.readDoubleBE(at + 1);
    const length = body.readUInt32BE(at + 9);
    at += HEADER_BYTES;
    if (flags > (FOUND | STALE | ERROR) || ((flags & FOUND) !== 0 && (flags & ERROR) !== 0))
      throw new Error(`record ${i} has flags ${flags}`);
    if (!Number.isSafeInteger(expireAtMs) || expireAtMs < 0)
      throw new Error(`record ${i} has expireAtMs ${expireAtMs}`);
    if (at + length > body.byteLength) throw new Error(`record ${i} is cut short`);
    const payload = body.subarray(at, at + length);
    at += length;
    const result: GetResponse = {
      found: (flags & FOUND) !== 0,
      value: flags & FOUND ? payload : EMPTY,
      expireAtMs,
    };
    if (flags & STALE) result.stale = true;
    if (flags & ERROR) result.error = keyError(payload, i);
    else if (!(flags & FOUND) && length !== 0)
      throw new Error(`record ${i} is not found but has ${length} bytes`);
    results[i] = result;
  }
  if (at !== body.byteLength) throw new Error(`${body.byteLength - at} bytes after the last record`);
  return results;
}

const EMPTY = Buffer.alloc(0);

/** A record's error; a code this build does not know is kept as `internal`, naming the peer's code. */
function keyError(payload: Buffer, index: number): KeyError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new Error(`record ${index} has an error that is not JSON`);
  }
  const { code, message } = (parsed ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') throw new Error(`record ${index} has an error without a message`);
  return isErrorCode(code) ? { code, message } : { code: 'internal', message: `${String(code)}: ${message}` };
}

/**
 * The binary body of a batchSet request (`application/x-ringcache-batch`): one record per entry, in order:
 *
 * ```
 * u32  key length   big-endian, of the key's UTF-8
 * ...  key
 * f64  ttlMs        big-endian; 0 = the group's default
 * u32  value length big-endian
 * ...  value
 * ```
 */
export function encodeSetEntries(entries: SetEntry[]): Buffer {
  const keys = entries.map((e) => Buffer.from(e.key, 'utf8'));
  const size = entries.reduce((n, e, i) => n + 16 + keys[i].byteLength + e.value.byteLength, 0);
  const body = Buffer.allocUnsafe(size);
  let at = 0;
  entries.forEach((entry, i) => {
    at = body.writeUInt32BE(keys[i].byteLength, at);
    body.set(keys[i], at);
    at = body.writeDoubleBE(entry.ttlMs, at + keys[i].byteLength);
    at = body.writeUInt32BE(entry.value.byteLength, at);
    body.set(entry.value, at);
    at += entry.value.byteLength;
  });
  return body;
}

/** The entries of a binary batchSet body; values are views into `body`. Throws naming what is wrong. */
export function decodeSetEntries(body: Buffer): SetEntry[] {
  const entries: SetEntry[] = [];
  let at = 0;
  while (at < body.byteLength) {
    const index = entries.length;
    if (at + 4 > body.byteLength) throw new Error(`entry ${index} is cut short`);
    const keyLength = body.readUInt32BE(at);
    at += 4;
    if (at + keyLength + 12 > body.byteLength) throw new Error(`entry ${index} is cut short`);
    const keyBytes = body.subarray(at, at + keyLength);
    if (!isUtf8(keyBytes)) throw new Error(`entry ${index} has a key that is not UTF-8`);
    at += keyLength;
    const ttlMs = body.readDoubleBE(at);
    const valueLength = body.readUInt32BE(at + 8);
    at += 12;
    if (at + valueLength > body.byteLength) throw new Error(`entry ${index} is cut short`);
    entries.push({ key: keyBytes.toString('utf8'), ttlMs, value: body.subarray(at, at + valueLength) });
    at += valueLength;
  }
  return entries;
}
