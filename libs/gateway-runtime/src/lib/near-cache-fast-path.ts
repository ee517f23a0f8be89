import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { NearCache } from '@ringcache/cache-core';

const PREFIX = '/api/v1/groups/';
const KEYS = '/keys/';
const NOT_FOUND_TYPE = 'application/json; charset=utf-8';

/** Counters of the fast path. */
export interface FastPathStats {
  /** Requests answered from the near cache without entering Fastify and Nest. */
  hits: number;
}

/**
 * Answers `GET /api/v1/groups/<group>/keys/<key>` straight from the near cache, in node:http, before
 * Fastify and Nest see the request: for a hot key this is most of the gateway's work, and the framework's
 * per-request cost would otherwise be most of the time. Anything it cannot answer — a miss, another
 * route, a query string, a percent-encoding error — goes to Fastify unchanged, so every rule and error of
 * the API stays in one place.
 */
export function serveFromNearCache(
  near: NearCache,
  stats: FastPathStats,
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  if (request.method !== 'GET' || !near.enabled) return false;
  const url = request.url as string;
  if (!url.startsWith(PREFIX) || url.includes('?')) return false;
  const keys = url.indexOf(KEYS, PREFIX.length);
  if (keys < 0) return false;
  const rawGroup = url.slice(PREFIX.length, keys);
  const rawKey = url.slice(keys + KEYS.length);
  if (rawGroup === '' || rawKey === '' || rawGroup.includes('/') || rawKey.includes('/')) return false;
  let group = rawGroup;
  let key = rawKey;
  if (rawGroup.includes('%') || rawKey.includes('%')) {
    try {
      group = decodeURIComponent(rawGroup);
      key = decodeURIComponent(rawKey);
    } catch {
      return false;
    }
  }
  const answer = near.get(group, key);
  if (!answer) return false;
  stats.hits++;
  if (answer.found) {
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': answer.value.byteLength,
      'x-ringcache-expire-at': String(answer.expireAtMs),
    });
    response.end(answer.value);
  } else {
    const body = JSON.stringify({ code: 'not_found', message: `${group}/${key} not found` });
    response.writeHead(404, {
      'content-type': NOT_FOUND_TYPE,
      'content-length': Buffer.byteLength(body),
      'x-ringcache-expire-at': String(answer.expireAtMs),
    });
    response.end(body);
  }
  return true;
}

/** A Fastify `serverFactory` whose server tries the near cache first. */
export function nearCacheServerFactory(near: NearCache, stats: FastPathStats) {
  return (handler: (request: IncomingMessage, response: ServerResponse) => void): Server =>
    createServer((request, response) => {
      if (!serveFromNearCache(near, stats, request, response)) handler(request, response);
    });
}
