import type { GetResponse } from '@ringcache/cache-core';

import { BATCH_TYPE, encodeBatchResults } from './batch-codec';
import type { HttpErrorAnswer } from './http-errors';
import {
  EXPIRE_AT_HEADER,
  JSON_TYPE,
  NOT_FOUND_CODE,
  OCTET_STREAM,
  STALE_HEADER,
  STALE_WARNING,
  type WireBatchResult,
} from './wire';

/** An answer of the peer protocol, ready to write: the Fastify routes and the fast path send the same. */
export interface PeerAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** Headers of a JSON answer written in node:http (the fast path's, a frame's). */
export const JSON_HEADERS = { 'content-type': `${JSON_TYPE}; charset=utf-8` };

/** An error (as httpErrorOf maps it) as an answer: its status, and `{code, message}` in JSON. */
export function errorAnswer({ status, body }: HttpErrorAnswer): PeerAnswer {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/** The answer to GET of a key: its bytes, or the cached "not found" (404), with expiry and staleness. */
export function getAnswer(group: string, key: string, response: GetResponse): PeerAnswer {
  const headers: Record<string, string> = { [EXPIRE_AT_HEADER]: String(response.expireAtMs) };
  if (response.stale) {
    headers[STALE_HEADER] = '1';
    headers['warning'] = STALE_WARNING;
  }
  if (!response.found) {
    headers['content-type'] = JSON_TYPE;
    const body = JSON.stringify({ code: NOT_FOUND_CODE, message: `${group}/${key} not found` });
    return { status: 404, headers, body };
  }
  headers['content-type'] = OCTET_STREAM;
  return { status: 200, headers, body: asBuffer(response.value) };
}

/**
 * The answer to a batchGet: binary (batch-codec.ts) when the request's Accept lists it, else JSON with
 * values in base64, as the README documents for other clients.
 */
export function batchAnswer(results: GetResponse[], accept: string | undefined): PeerAnswer {
  if (accept !== undefined && accept.includes(BATCH_TYPE)) {
    return { status: 200, headers: { 'content-type': BATCH_TYPE }, body: encodeBatchResults(results) };
  }
  const encoded = results.map((result) => {
    const entry: WireBatchResult = {
      found: result.found,
      value: result.found ? asBuffer(result.value).toString('base64') : '',
      expireAtMs: result.expireAtMs,
    };
    if (result.stale) entry.stale = true;
    if (result.error) entry.error = { code: result.error.code, message: result.error.message };
    return entry;
  });
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify({ results: encoded }) };
}

/** A Buffer view of the same bytes (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
