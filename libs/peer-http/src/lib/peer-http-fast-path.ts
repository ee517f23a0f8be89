import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

import { newRequestId, type PeerHandler, type RequestContext, type RequestLog } from '@ringcache/cache-core';

import { BATCH_TYPE } from './batch-codec';
import { httpErrorOf, type HttpErrorAnswer } from './http-errors';
import { batchAnswer, errorAnswer, getAnswer, JSON_HEADERS, type PeerAnswer } from './peer-http-answers';
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
  onInternalError?: (error: unknown, request: RequestHead, requestId: string) => void;
  /** Told about every other 5xx answer (a failed load, say). Default none. */
  onServerError?: (answer: HttpErrorAnswer, request: RequestHead, requestId: string) => void;
}

/** What routing a request reads: from node:http's request, or from a frame (frame-server.ts). */
export interface RequestHead {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** How the fast path would serve a request: its context and its route. */
interface Plan {
  /** Its ring version, hops and id, decoded from the headers. */
  context: RequestContext & { requestId: string };
  route: Route;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** One request being answered here. */
interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  log?: RequestLog;
  /** performance.now() when it arrived. */
  started: number;
  requestId: string;
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
    const head: RequestHead = {
      method: request.method as string,
      url: request.url as string,
      headers: request.headers,
    };
    const plan = this.plan(head);
    if (!plan) return false;
    const body = this.bodyOf(request, head);
    if (body === undefined) return false;
    const { requestId } = plan.context;
    const exchange: Exchange = { request, response, log, started: performance.now(), requestId };
    body
      .then(plan.route)
      .then(
        (answer) => write(exchange, answer),
        (error: unknown) => write(exchange, this.failure(head, requestId, error)),
      )
      .catch(() => response.destroy());
    return true;
  }

  /**
   * The answer to a request that came whole, as a frame does: undefined when this path does not serve it
   * (the same requests it leaves to Fastify, and every other route). Errors are answered, never thrown.
   */
  answer(head: RequestHead, body: Buffer): { requestId: string; answer: Promise<PeerAnswer> } | undefined {
    const plan = this.plan(head);
    if (!plan || !this.takesBody(head, body.byteLength)) return undefined;
    const { requestId } = plan.context;
    return {
      requestId,
      answer: plan.route(body).catch((error: unknown) => this.failure(head, requestId, error)),
    };
  }

  /** How this path serves the request, or undefined when it leaves it to Fastify. */
  private plan(head: RequestHead): Plan | undefined {
    const handler = this.handler;
    const url = head.url;
    if (!handler || !url.startsWith(PATH_PREFIX)) return undefined;
    const queryAt = url.indexOf('?');
    const rest = url.slice(PATH_PREFIX.length, queryAt < 0 ? undefined : queryAt);
    const decoded = tryDecode(() => ({
      query: queryAt < 0 ? {} : singleParams(url.slice(queryAt + 1)),
      context: decodeContext(head.headers),
    }));
    if (!decoded?.query) return undefined;
    const context = { ...decoded.context, requestId: decoded.context.requestId ?? newRequestId() };
    const route = rest.includes('/')
      ? this.keyRoute(handler, head, context, decoded.query)
      : this.methodRoute(handler, head, context, decoded.query);
    return route && { context, route };
  }

  /** GET, PUT and DELETE of `/_ringcache/<group>/<key>`. */
  private keyRoute(
    handler: PeerHandler,
    request: RequestHead,
    context: RequestContext,
    query: Record<string, string>,
  ): Route | undefined {
    const target = tryDecode(() => decodeKeyPath(request.url));
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
  private methodRoute(
    handler: PeerHandler,
    request: RequestHead,
    context: RequestContext,
    query: Record<string, string>,
  ): Route | undefined {
    if (request.method !== 'POST' || !isEmpty(query)) return undefined;
    const target = tryDecode(() => decodeMethodPath(request.url));
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
   * the limit (see takesBody); undefined leaves the request to Fastify.
   */
  private bodyOf(request: IncomingMessage, head: RequestHead): Promise<Buffer> | undefined {
    const lengthHeader = request.headers['content-length'];
    const length = lengthHeader === undefined ? 0 : Number(lengthHeader);
    const known = lengthHeader !== undefined || request.method === 'GET' || request.method === 'DELETE';
    if (!known || !Number.isSafeInteger(length) || !this.takesBody(head, length)) return undefined;
    return readBody(request, length);
  }

  /** A body this path takes: none for GET and DELETE; octet-stream (or nothing) for a PUT; within the limit. */
  private takesBody(head: RequestHead, bytes: number): boolean {
    if (head.method === 'GET' || head.method === 'DELETE') return bytes === 0;
    if (bytes > this.maxBodyBytes) return false;
    const type = head.headers['content-type'];
    return head.method !== 'PUT' || type === OCTET_STREAM || (type === undefined && bytes === 0);
  }

  /** The error answer for `error`, told to the loggers as it deserves. */
  private failure(head: RequestHead, requestId: string, error: unknown): PeerAnswer {
    const answer = httpErrorOf(error);
    if (answer.body.code === 'internal') this.onInternalError?.(error, head, requestId);
    else if (answer.status >= 500) this.onServerError?.(answer, head, requestId);
    return errorAnswer(answer);
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
    reqId: exchange.requestId,
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
