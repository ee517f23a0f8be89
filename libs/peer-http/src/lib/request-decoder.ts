import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';

import {
  InvalidArgumentError,
  REQUEST_ID_HEADER,
  requestIdOf,
  type ExpiredKey,
  type RequestContext,
  type SetEntry,
} from '@ringcache/cache-core';

import { BATCH_TYPE, decodeSetEntries } from './batch-codec';

import { HOPS_HEADER, LOCAL_ONLY_PARAM, MAX_EXPIRE_KEYS, RING_VERSION_HEADER } from './wire';

/**
 * Decoders of the parts of a peer request that are not the path. They check form only (an integer, a
 * list of strings); ranges and limits are the protocol core's (PeerService), the same for both codecs.
 */

/**
 * Ring version, hops and request id from the request headers; absent headers mean '', 0 and no id. A
 * request id that is not one (see requestIdOf) is dropped rather than refused: it only serves logs.
 */
export function decodeContext(headers: IncomingHttpHeaders): RequestContext {
  const ringVersion = headers[RING_VERSION_HEADER];
  const hops = headers[HOPS_HEADER];
  return {
    ringVersion: typeof ringVersion === 'string' ? ringVersion : '',
    hops: hops === undefined ? 0 : decodeInteger(hops, HOPS_HEADER),
    requestId: requestIdOf(headers[REQUEST_ID_HEADER]),
  };
}

/** `ttlMs` of a PUT's query; absent means 0 (the group's default). */
export function decodeTtlMs(query: unknown): number {
  const ttlMs = (query as Record<string, unknown> | undefined)?.['ttlMs'];
  return ttlMs === undefined ? 0 : decodeInteger(ttlMs, 'ttlMs');
}

/** `localOnly` of a DELETE's query: `1` is true; `0` or absent is false; anything else is refused. */
export function decodeLocalOnly(query: unknown): boolean {
  const localOnly = (query as Record<string, unknown> | undefined)?.[LOCAL_ONLY_PARAM];
  if (localOnly === undefined || localOnly === '0') return false;
  if (localOnly === '1') return true;
  throw new InvalidArgumentError(`${LOCAL_ONLY_PARAM} must be 0 or 1, got ${JSON.stringify(localOnly)}`);
}

/** The keys of a batchGet body `{"keys":[...]}`, read from its raw bytes. */
export function decodeBatchKeys(body: unknown): string[] {
  return keyList(jsonField(body, 'keys', '{"keys":[...]}'));
}

function keyList(keys: unknown): string[] {
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string')) {
    throw new InvalidArgumentError('body must be {"keys":[...]} with every key a string');
  }
  return keys;
}

/** The entries of a batchSet body: binary, as encodeSetEntries writes them. Ranges are the handler's. */
export function decodeSetEntriesBody(body: unknown, contentType: string | undefined): SetEntry[] {
  if (contentType !== BATCH_TYPE || !Buffer.isBuffer(body))
    throw new InvalidArgumentError(`a batchSet body must be ${BATCH_TYPE}`);
  try {
    return decodeSetEntries(body);
  } catch (error) {
    throw new InvalidArgumentError(`malformed batchSet body: ${(error as Error).message}`);
  }
}

/** The keys of a batchDelete body `{"keys":[...],"localOnly"?:true}`. */
export function decodeDeleteKeys(body: unknown): { keys: string[]; localOnly: boolean } {
  const parsed = jsonObject(body, '{"keys":[...],"localOnly":true}');
  const keys = keyList(parsed['keys']);
  const localOnly = parsed['localOnly'];
  if (localOnly !== undefined && typeof localOnly !== 'boolean')
    throw new InvalidArgumentError(`localOnly must be true or false, got ${JSON.stringify(localOnly)}`);
  return { keys, localOnly: localOnly === true };
}

/** The generation of a flush body `{"generation":n}`, a non-negative integer. */
export function decodeGeneration(body: unknown): number {
  const generation = jsonField(body, 'generation', '{"generation":<integer>}');
  if (!isWholeNumber(generation)) {
    throw new InvalidArgumentError(
      `body must be {"generation":<integer>} with a non-negative integer, got ${JSON.stringify(generation)}`,
    );
  }
  return generation;
}

/**
 * The keys of an expire body `{"keys":[{"group","key","expireAtMs"}, ...]}`, in body order, at most
 * MAX_EXPIRE_KEYS. Each key is copied field by field, so nothing else in the body reaches the handler.
 */
export function decodeExpiredKeys(body: unknown): ExpiredKey[] {
  const keys = jsonField(body, 'keys', '{"keys":[{"group","key","expireAtMs"}]}');
  if (!Array.isArray(keys)) {
    throw new InvalidArgumentError('body must be {"keys":[{"group","key","expireAtMs"}]} with keys a list');
  }
  if (keys.length > MAX_EXPIRE_KEYS) {
    throw new InvalidArgumentError(`at most ${MAX_EXPIRE_KEYS} keys per expire call, got ${keys.length}`);
  }
  return keys.map((entry: unknown, i) => {
    const { group, key, expireAtMs } = (isObject(entry) ? entry : {}) as Record<string, unknown>;
    if (typeof group !== 'string' || typeof key !== 'string' || !isWholeNumber(expireAtMs)) {
      throw new InvalidArgumentError(
        `keys[${i}] must be {"group":<string>,"key":<string>,"expireAtMs":<non-negative integer>}`,
      );
    }
    return { group, key, expireAtMs };
  });
}

/** Field `name` of a JSON object body, read from its raw bytes; `shape` describes the body in errors. */
function jsonField(body: unknown, name: string, shape: string): unknown {
  return jsonObject(body, shape)[name];
}

/** The JSON object in a body (an empty one when it is JSON but not an object). */
function jsonObject(body: unknown, shape: string): Record<string, unknown> {
  if (!Buffer.isBuffer(body)) throw new InvalidArgumentError(`body must be JSON ${shape}`);
  // Checked on the bytes: decoding would silently turn invalid UTF-8 into U+FFFD, a different key.
  if (!isUtf8(body)) throw new InvalidArgumentError('body is not valid UTF-8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidArgumentError('body is not valid JSON');
  }
  return isObject(parsed) ? parsed : {};
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON number that is an integer JavaScript holds exactly, 0 or more. */
function isWholeNumber(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Digits only: Number() would also take '', ' 1', '1e3', '0x10' and '-0'. */
const DIGITS = /^[0-9]{1,15}$/;

function decodeInteger(value: unknown, what: string): number {
  if (typeof value !== 'string' || !DIGITS.test(value)) {
    throw new InvalidArgumentError(`${what} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
