import type { IncomingMessage, ServerResponse } from 'node:http';

import { MAX_PARAM_LENGTH, requestIdFor } from '@ringcache/app-shell';
import {
  REQUEST_ID_HEADER,
  type ClusterRouter,
  type GetResponse,
  type NearCache,
  type RequestLog,
} from '@ringcache/cache-core';
import { httpErrorOf } from '@ringcache/peer-http';

const PREFIX = '/api/v1/groups/';
const KEYS = '/keys/';
const JSON_TYPE = 'application/json; charset=utf-8';

/** Counters of the fast path. */
export interface FastPathStats {
  /** Requests answered from the near cache without entering Fastify and Nest. */
  hits: number;
  /** Reads sent to the key's owner from the fast path (near-cache misses, or no near cache). */
  reads: number;
}

/** Options of a {@link ReadFastPath}. */
export interface ReadFastPathOptions {
  /** The gateway's near cache; absent when it is off. */
  near?: NearCache;
}

/**
 * Serves `GET /api/v1/groups/<group>/keys/<key>` in node:http, before Fastify and Nest: from the near
 * cache when it holds the key, else straight through the ClusterRouter (batched per owner) to the key's
 * owner. For a read, the framework's per-request cost would otherwise be most of the gateway's work.
 * Anything else — another route or method, a query string, bad percent-encoding, a parameter longer than
 * Fastify's limit — goes to Fastify unchanged, so the API's other rules stay in one place; the statuses,
 * headers and bodies here are the controller's (GatewayController.getKey), errors mapped by the same
 * table (httpErrorOf), and every answer carries its `x-request-id`.
 */
export class ReadFastPath {
  readonly stats: FastPathStats = { hits: 0, reads: 0 };
  /** Set once the gateway's router exists; until then only near-cache hits are answered here. */
  router?: ClusterRouter;
  private readonly near?: NearCache;

  constructor(options: ReadFastPathOptions = {}) {
    this.near = options.near;
  }

  /**
   * Answers the request and returns true, or returns false (and writes nothing) to leave it to Fastify.
   * Reads sent to an owner are told to `log` (near-cache hits are not: they are the hottest path).
   */
  serve(request: IncomingMessage, response: ServerResponse, log: RequestLog): boolean {
    if (request.method !== 'GET') return false;
    const url = request.url as string;
    const target = keyOf(url);
    if (!target) return false;
    const { group, key } = target;
    const near = this.near;
    const held = near?.get(group, key);
    if (held) {
      this.stats.hits++;
      send(response, requestIdFor(request), group, key, held);
      return true;
    }
    const router = this.router;
    if (!router) return false;
    this.stats.reads++;
    const requestId = requestIdFor(request);
    const started = performance.now();
    const fetch = () => router.get(group, key, { requestId });
    (near ? near.fill(group, key, fetch) : fetch())
      .then(
        (answer) => {
          send(response, requestId, group, key, answer);
          log({
            reqId: requestId,
            method: 'GET',
            url,
            status: answer.found ? 200 : 404,
            ms: performance.now() - started,
          });
        },
        (error: unknown) => {
          const { status, body } = httpErrorOf(error);
          sendJson(response, requestId, status, JSON.stringify(body));
          log({ reqId: requestId, method: 'GET', url, status, ms: performance.now() - started });
        },
      )
      // Writing the answer itself failed (the client is gone): nothing more can be said to it.
      .catch(() => response.destroy());
    return true;
  }
}

/** Group and key of a plain key URL this path may answer, or undefined. */
function keyOf(url: string): { group: string; key: string } | undefined {
  if (!url.startsWith(PREFIX) || url.includes('?')) return undefined;
  const keys = url.indexOf(KEYS, PREFIX.length);
  if (keys < 0) return undefined;
  const rawGroup = url.slice(PREFIX.length, keys);
  const rawKey = url.slice(keys + KEYS.length);
  if (rawGroup === '' || rawKey === '' || rawGroup.includes('/') || rawKey.includes('/')) return undefined;
  // Fastify refuses longer parameters with its own answer: leave those to it.
  if (rawGroup.length > MAX_PARAM_LENGTH || rawKey.length > MAX_PARAM_LENGTH) return undefined;
  if (!rawGroup.includes('%') && !rawKey.includes('%')) return { group: rawGroup, key: rawKey };
  try {
    return { group: decodeURIComponent(rawGroup), key: decodeURIComponent(rawKey) };
  } catch {
    return undefined;
  }
}

/** A read's answer, as the controller sends it. */
function send(
  response: ServerResponse,
  requestId: string,
  group: string,
  key: string,
  answer: GetResponse,
): void {
  if (!answer.found) {
    const body = JSON.stringify({ code: 'not_found', message: `${group}/${key} not found` });
    sendJson(response, requestId, 404, body, String(answer.expireAtMs));
    return;
  }
  const headers: Record<string, string | number> = {
    'content-type': 'application/octet-stream',
    'content-length': answer.value.byteLength,
    'x-ringcache-expire-at': String(answer.expireAtMs),
    [REQUEST_ID_HEADER]: requestId,
  };
  if (answer.stale) {
    headers['x-ringcache-stale'] = '1';
    headers['warning'] = '110 - "Response is Stale"';
  }
  response.writeHead(200, headers);
  response.end(answer.value);
}

function sendJson(
  response: ServerResponse,
  requestId: string,
  status: number,
  body: string,
  expireAt?: string,
): void {
  const headers: Record<string, string | number> = {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(body),
    [REQUEST_ID_HEADER]: requestId,
  };
  if (expireAt !== undefined) headers['x-ringcache-expire-at'] = expireAt;
  response.writeHead(status, headers);
  response.end(body);
}
