import type { IncomingMessage, ServerResponse } from 'node:http';

import { newRequestId, type PeerHandler, type RequestContext, type RequestLog } from '@ringcache/cache-core';

import { BATCH_TYPE } from './batch-codec';
import { httpErrorOf, type HttpErrorAnswer } from './http-errors';
import { batchAnswer, getAnswer, type PeerAnswer } from './peer-http-answers';
import { decodeKeyPath, decodeMethodPath } from './peer-path';
import {
  decodeBatchKeys,
  decodeContext,
  decodeDeleteKeys,
  decodeLocalOnly,
  decodeSetEntriesBody,
  decodeTtlMs,
} from './request-decoder';
import { BATCH_DELETE, BATCH_GET, BATCH_SET, JSON_TYPE, OCTET_STREAM, PATH_PREFIX } from './wire';

/** Options of a {@link PeerHttpFastPath}. */
export interface PeerHttpFastPathOptions {
  /** Largest body taken here, in bytes; a larger one is left to the Fastify routes (413). Default 16 MiB. */
  maxBodyBytes?: number;
  /** Told about every error answered 500 `internal`, with the request. Default none. */
  onInternalError?: (error: unknown, request: IncomingMessage, requestId: string) => void;
  /** Told about every other 5xx answer (a failed load, say). Default none. */
  onServerError?: (answer: HttpErrorAnswer, request: IncomingMessage, requestId: string) => void;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** One request being answered here. */
interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  log?: RequestLog;
  /** performance.now() when it arrived. */
  started: number;
  /** Its ring version, hops and id, decoded from the headers. */
  context: RequestContext & { requestId: string };
  /** Its query parameters, each given once. */
  query: Record<string, string>;
}

/** What a route does with a request: the answer, from the body when it has one. */
type Route = (body: Buffer) => Promise<PeerAnswer>;

/**
 * The data path of the HTTP peer protocol — get, set and delete of a key, and batchGet, batchSet and
 * batchDelete — served in node:http before Fastify sees the request: this is what gateways, SDKs and
 * nodes call all the time, and Fastify's routing, hooks and reply objects cost more than the cache's own
 * work. It answers exactly what the Fastify routes answer (the same decoders, the same answers from
 * peer-http-answers.ts, errors from the same table); a request it is not sure of — another route, bad
 * percent-encoding or headers, a query parameter given twice, an unexpected body — it leaves untouched to
 * those routes, which stay the one full implementation of the protocol.
 */
export class PeerHttpFastPath {
  /** Set once the app's handler exists; until then every request goes to Fastify. */
  handler?: PeerHandler;
  private readonly maxBodyBytes: number;
  private readonly onInternalError?: PeerHttpFastPathOptions['onInternalError'];
  private readonly onServerError?: PeerHttpFastPathOptions['onServerError'];

  constructor(options: PeerHttpFastPathOptions = {}) {
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.onInternalError = options.onInternalError;
    this.onServerError = options.onServerError;
  }

  /** Answers the request (telling `log`) and returns true, or returns false having touched nothing. */
  serve(request: IncomingMessage, response: ServerResponse, log?: RequestLog): boolean {
    const handler = this.handler;
    const url = request.url as string;
    if (!handler || !url.startsWith(PATH_PREFIX)) return false;
    const queryAt = url.indexOf('?');
    const rest = url.slice(PATH_PREFIX.length, queryAt < 0 ? undefined : queryAt);
    const decoded = tryDecode(() => ({
      query: queryAt < 0 ? {} : singleParams(url.slice(queryAt + 1)),
      context: decodeContext(request.headers),
    }));
    if (!decoded?.query) return false;
    const context = { ...decoded.context, requestId: decoded.context.requestId ?? newRequestId() };
    const exchange: Exchange = {
      request,
      response,
      log,
      started: performance.now(),
      context,
      query: decoded.query,
    };
    const route = rest.includes('/') ? this.keyRoute(handler, exchange) : this.methodRoute(handler, exchange);
    if (!route) return false;
    const body = this.bodyOf(request);
    if (body === undefined) return false;
    body
      .then(route)
      .then(
        (answer) => write(exchange, answer),
        (error: unknown) => this.fail(exchange, error),
      )
      .catch(() => response.destroy());
    return true;
  }

  /** GET, PUT and DELETE of `/_ringcache/<group>/<key>`. */
  private keyRoute(handler: PeerHandler, { request, context, query }: Exchange): Route | undefined {
    const target = tryDecode(() => decodeKeyPath(request.url as string));
    if (!target) return undefined;
    const { group, key } = target;
    if (request.method === 'GET' && isEmpty(query))
      return async () => getAnswer(group, key, await handler.get({ group, key, ...context }));
    if (request.method === 'PUT' && keysWithin(query, ['ttlMs'])) {
      const ttlMs = tryDecode(() => decodeTtlMs(query));
      if (ttlMs === undefined) return undefined;
      return async (value) => json(await handler.set({ group, key, value, ttlMs, ...context }));
    }
    if (request.method === 'DELETE' && keysWithin(query, ['localOnly'])) {
      const localOnly = tryDecode(() => decodeLocalOnly(query));
      if (localOnly === undefined) return undefined;
      return async () => json(await handler.delete({ group, key, localOnly, ...context }));
    }
    return undefined;
  }

  /** POST of `/_ringcache/<group>:batchGet`, `:batchSet` and `:batchDelete`. */
  private methodRoute(handler: PeerHandler, { request, context, query }: Exchange): Route | undefined {
    if (request.method !== 'POST' || !isEmpty(query)) return undefined;
    const target = tryDecode(() => decodeMethodPath(request.url as string));
    if (!target) return undefined;
    const { group, method } = target;
    const type = request.headers['content-type'];
    if (method === BATCH_GET && type?.startsWith(JSON_TYPE)) {
      return async (body) => {
        const { results } = await handler.getMany({ group, keys: decodeBatchKeys(body), ...context });
        return batchAnswer(results, request.headers.accept);
      };
    }
    if (method === BATCH_SET && type === BATCH_TYPE) {
      return async (body) =>
        json(await handler.setMany({ group, entries: decodeSetEntriesBody(body, type), ...context }));
    }
    if (method === BATCH_DELETE && type?.startsWith(JSON_TYPE)) {
      return async (body) => json(await handler.deleteMany({ group, ...decodeDeleteKeys(body), ...context }));
    }
    return undefined;
  }

  /**
   * The request's body, for a body this path takes: none (GET, DELETE), or one of a known length within
   * the limit, octet-stream for a PUT; undefined leaves the request to Fastify.
   */
  private bodyOf(request: IncomingMessage): Promise<Buffer> | undefined {
    const lengthHeader = request.headers['content-length'];
    if (request.method === 'GET' || request.method === 'DELETE') {
      return lengthHeader === undefined || lengthHeader === '0' ? readBody(request, 0) : undefined;
    }
    const length = Number(lengthHeader);
    if (lengthHeader === undefined || !Number.isSafeInteger(length) || length > this.maxBodyBytes)
      return undefined;
    const type = request.headers['content-type'];
    if (request.method === 'PUT' && !(type === OCTET_STREAM || (type === undefined && length === 0)))
      return undefined;
    return readBody(request, length);
  }

  private fail(exchange: Exchange, error: unknown): void {
    const { request, context } = exchange;
    const answer = httpErrorOf(error);
    if (answer.body.code === 'internal') this.onInternalError?.(error, request, context.requestId);
    else if (answer.status >= 500) this.onServerError?.(answer, request, context.requestId);
    write(exchange, { status: answer.status, headers: JSON_HEADERS, body: JSON.stringify(answer.body) });
  }
}

/** A JSON answer, 200. */
function json(body: object): PeerAnswer {
  return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

function write(exchange: Exchange, answer: PeerAnswer): void {
  const { request, response, log } = exchange;
  response.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  response.end(answer.body);
  log?.({
    reqId: exchange.context.requestId,
    method: request.method as string,
    url: request.url as string,
    status: answer.status,
    ms: performance.now() - exchange.started,
  });
}

/** The query's parameters, or undefined when one is given twice (the Fastify routes refuse that). */
function singleParams(query: string): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    if (name in params) return undefined;
    params[name] = value;
  }
  return params;
}

function isEmpty(query: Record<string, string>): boolean {
  return Object.keys(query).length === 0;
}

function keysWithin(query: Record<string, string>, allowed: string[]): boolean {
  return Object.keys(query).every((name) => allowed.includes(name));
}

/** What `decode` returns, or undefined when it throws: the Fastify routes then answer the error. */
function tryDecode<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch {
    return undefined;
  }
}

/** The request body, `length` bytes as Content-Length promised; rejects if it is cut short or runs over. */
function readBody(request: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    request.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
      chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      if (received !== length) reject(new Error(`body of ${received} bytes, not ${length}`));
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
  });
}
