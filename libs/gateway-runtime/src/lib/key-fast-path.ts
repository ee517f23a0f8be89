import type { IncomingMessage, ServerResponse } from 'node:http';

import { MAX_PARAM_LENGTH, requestIdFor } from '@ringcache/app-shell';
import {
  InvalidArgumentError,
  REQUEST_ID_HEADER,
  type ClusterRouter,
  type GetResponse,
  type NearCache,
  type RequestLog,
} from '@ringcache/cache-core';
import { httpErrorOf } from '@ringcache/peer-http';

import { sendJson } from './json-answer';
import { parseTtl } from './query-params';

const PREFIX = '/api/v1/groups/';
const KEYS = '/keys/';

/** Counters of the fast path. */
export interface FastPathStats {
  /** Requests answered from the near cache without entering Fastify and Nest. */
  hits: number;
  /** Reads sent to the key's owner from the fast path (near-cache misses, or no near cache). */
  reads: number;
}

/** Options of a {@link KeyFastPath}. */
export interface KeyFastPathOptions {
  /** The gateway's near cache; absent when it is off. */
  near?: NearCache;
  /** Largest value a PUT may store (`gateway.maxValueBytes`); a longer body is left to Fastify (413). */
  maxValueBytes?: number;
}

/** One request being answered here. */
interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  log: RequestLog;
  requestId: string;
  started: number;
}

/**
 * Serves `GET`, `PUT` and `DELETE /api/v1/groups/<group>/keys/<key>` in node:http, before Fastify and
 * Nest: a read from the near cache when it holds the key, else straight through the ClusterRouter
 * (batched per owner) to the key's owner; a write to the owner. On this path the framework's per-request
 * cost would otherwise be most of the gateway's work. Anything else — another route or method, another
 * query parameter, bad percent-encoding, a parameter longer than Fastify's limit, a body of no known length
 * or over the limit — goes to Fastify unchanged, so the API's other rules stay in one place; the statuses,
 * headers and bodies here are the controller's (GatewayController), errors mapped by the same table
 * (httpErrorOf), and every answer carries its `x-request-id`.
 */
export class KeyFastPath {
  readonly stats: FastPathStats = { hits: 0, reads: 0 };
  /** Set once the gateway's router exists; until then only near-cache hits are answered here. */
  router?: ClusterRouter;
  private readonly near?: NearCache;
  private readonly maxValueBytes: number;

  constructor(options: KeyFastPathOptions = {}) {
    this.near = options.near;
    this.maxValueBytes = options.maxValueBytes ?? 1024 * 1024;
  }

  /**
   * Answers the request and returns true, or returns false (and writes nothing) to leave it to Fastify.
   * Calls to owners are told to `log` (near-cache hits are not: they are the hottest path).
   */
  serve(request: IncomingMessage, response: ServerResponse, log: RequestLog): boolean {
    const url = request.url as string;
    const target = keyOf(url);
    if (!target) return false;
    const { group, key, query } = target;
    if (request.method === 'GET') {
      if (query !== undefined) return false;
      const held = this.near?.get(group, key);
      if (held) {
        this.stats.hits++;
        send(response, requestIdFor(request), group, key, held);
        return true;
      }
    }
    const router = this.router;
    if (!router) return false;
    const run = this.routeOf(router, request, group, key, query);
    if (!run) return false;
    const exchange = { request, response, log, requestId: requestIdFor(request), started: performance.now() };
    run(exchange)
      .then(
        (status) => this.logged(exchange, status),
        (error: unknown) => {
          const { status, body } = httpErrorOf(error);
          sendJson(response, exchange.requestId, status, JSON.stringify(body));
          this.logged(exchange, status);
        },
      )
      // Writing the answer itself failed (the client is gone): nothing more can be said to it.
      .catch(() => response.destroy());
    return true;
  }

  /** What to do with the request: a read, a write, or nothing here (undefined). Resolves the status sent. */
  private routeOf(
    router: ClusterRouter,
    request: IncomingMessage,
    group: string,
    key: string,
    query: string | undefined,
  ): ((exchange: Exchange) => Promise<number>) | undefined {
    const near = this.near;
    if (request.method === 'GET') {
      this.stats.reads++;
      return async ({ response, requestId }) => {
        const fetch = () => router.get(group, key, { requestId });
        const answer = await (near ? near.fill(group, key, fetch) : fetch());
        send(response, requestId, group, key, answer);
        return answer.found ? 200 : 404;
      };
    }
    const length = Number(request.headers['content-length'] ?? 0);
    if (!Number.isSafeInteger(length) || (request.method !== 'PUT' && length !== 0)) return undefined;
    if (request.method === 'PUT') {
      const ttl = query === undefined ? '' : /^ttl=([^&]*)$/.exec(query)?.[1];
      if (ttl === undefined || length > this.maxValueBytes || request.headers['content-length'] === undefined)
        return undefined;
      return async ({ response, requestId }) => {
        const ttlMs = ttl === '' ? 0 : parseTtl(queryValue(ttl));
        const value = await readBody(request, length);
        try {
          const stored = await router.set(group, key, value, ttlMs, { requestId });
          sendJson(response, requestId, 200, JSON.stringify(stored));
        } finally {
          near?.invalidate({ kind: 'key', group, key });
        }
        return 200;
      };
    }
    if (request.method === 'DELETE' && query === undefined) {
      // A Content-Length other than 0 was left to Fastify above, and so is a chunked body: there is no
      // body to wait for (node:http discards what is left of a request once its answer is sent).
      if (request.headers['transfer-encoding'] !== undefined) return undefined;
      return async ({ response, requestId }) => {
        try {
          sendJson(response, requestId, 200, JSON.stringify(await router.delete(group, key, { requestId })));
        } finally {
          near?.invalidate({ kind: 'key', group, key });
        }
        return 200;
      };
    }
    return undefined;
  }

  private logged({ request, log, requestId, started }: Exchange, status: number): void {
    log({
      reqId: requestId,
      method: request.method as string,
      url: request.url as string,
      status,
      ms: performance.now() - started,
    });
  }
}

/** Group, key and query string (without its `?`) of a plain key URL this path may answer, or undefined. */
function keyOf(url: string): { group: string; key: string; query?: string } | undefined {
  if (!url.startsWith(PREFIX)) return undefined;
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = queryAt < 0 ? undefined : url.slice(queryAt + 1);
  const keys = path.indexOf(KEYS, PREFIX.length);
  if (keys < 0) return undefined;
  const rawGroup = path.slice(PREFIX.length, keys);
  const rawKey = path.slice(keys + KEYS.length);
  if (rawGroup === '' || rawKey === '' || rawGroup.includes('/') || rawKey.includes('/')) return undefined;
  // Fastify refuses longer parameters with its own answer: leave those to it.
  if (rawGroup.length > MAX_PARAM_LENGTH || rawKey.length > MAX_PARAM_LENGTH) return undefined;
  if (!rawGroup.includes('%') && !rawKey.includes('%')) return { group: rawGroup, key: rawKey, query };
  try {
    return { group: decodeURIComponent(rawGroup), key: decodeURIComponent(rawKey), query };
  } catch {
    return undefined;
  }
}

/**
 * A query value decoded as Fastify's query parser decodes it: a value with a broken percent-encoding stays
 * as it came (and then fails validation with a 400), rather than throwing a URIError, which would be a 500.
 */
function queryValue(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
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
    sendJson(response, requestId, 404, body, { 'x-ringcache-expire-at': String(answer.expireAtMs) });
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

/** The request body, `length` bytes as Content-Length promised; rejects if it is cut short. */
function readBody(request: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', reject);
    request.on('end', () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      if (body.byteLength !== length)
        reject(new InvalidArgumentError(`body of ${body.byteLength} bytes, not ${length}`));
      else resolve(body);
    });
  });
}
