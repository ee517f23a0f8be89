import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';

import { InvalidArgumentError, type RequestContext } from '@ringcache/cache-core';

import { HOPS_HEADER, RING_VERSION_HEADER } from './wire';

/**
 * Decoders of the parts of a peer request that are not the path. They check form only (an integer, a
 * list of strings); ranges and limits are the protocol core's (PeerService), the same for both codecs.
 */

/** Ring version and hops from the request headers; absent headers mean '' and 0. */
export function decodeContext(headers: IncomingHttpHeaders): RequestContext {
  const ringVersion = headers[RING_VERSION_HEADER];
  const hops = headers[HOPS_HEADER];
  return {
    ringVersion: typeof ringVersion === 'string' ? ringVersion : '',
    hops: hops === undefined ? 0 : decodeInteger(hops, HOPS_HEADER),
  };
}

/** `ttlMs` of a PUT's query; absent means 0 (the group's default). */
export function decodeTtlMs(query: unknown): number {
  const ttlMs = (query as Record<string, unknown> | undefined)?.['ttlMs'];
  return ttlMs === undefined ? 0 : decodeInteger(ttlMs, 'ttlMs');
}

/** The keys of a batchGet body `{"keys":[...]}`, read from its raw bytes. */
export function decodeBatchKeys(body: unknown): string[] {
  if (!Buffer.isBuffer(body)) throw new InvalidArgumentError('body must be JSON {"keys":[...]}');
  // Checked on the bytes: decoding would silently turn invalid UTF-8 into U+FFFD, a different key.
  if (!isUtf8(body)) throw new InvalidArgumentError('body is not valid UTF-8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidArgumentError('body is not valid JSON');
  }
  const keys =
    typeof parsed === 'object' && parsed !== null ? (parsed as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string')) {
    throw new InvalidArgumentError('body must be {"keys":[...]} with every key a string');
  }
  return keys;
}

/** Digits only: Number() would also take '', ' 1', '1e3', '0x10' and '-0'. */
const DIGITS = /^[0-9]{1,15}$/;

function decodeInteger(value: unknown, what: string): number {
  if (typeof value !== 'string' || !DIGITS.test(value)) {
    throw new InvalidArgumentError(`${what} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
