import type { IncomingMessage, ServerResponse } from 'node:http';

import { newRequestId, type PeerHandler, type RequestLog } from '@ringcache/cache-core';

import { httpErrorOf, type HttpErrorAnswer } from './http-errors';
import { batchAnswer, getAnswer, type PeerAnswer } from './peer-http-answers';
import { decodeKeyPath, decodeMethodPath } from './peer-path';
import { decodeBatchKeys, decodeContext } from './request-decoder';
import { BATCH_GET, PATH_PREFIX } from './wire';

/** Options of a {@link PeerHttpFastPath}. */
export interface PeerHttpFastPathOptions {
  /** Largest batchGet body taken here, in bytes; a larger one is left to the Fastify routes (413). Default 16 MiB. */
  maxBodyBytes?: number;
  /** Told about every error answered 500 `internal`, with the request. Default none. */
  onInternalError?: (error: unknown, request: IncomingMessage, requestId: string) => void;
  /** Told about every other 5xx answer (a failed load, say). Default none. */
  onServerError?: (answer: HttpErrorAnswer, request: IncomingMessage, requestId: string) => void;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The read path of the HTTP peer protocol — `GET /_ringcache/<group>/<key>` and `POST
 * /_ringcache/<group>:batchGet` — served in node:http before Fastify sees the request: this is what a
 * gateway, SDK or node calls most, and Fastify's routing, hooks and reply objects cost more than the
 * cache lookup. It answers exactly what the Fastify routes answer (the same decoders, the same answers from
 * peer-http-answers.ts, errors from the same table); a request it is not sure of — another route, bad
 * percent-encoding or headers, an unexpected body — it leaves untouched to those routes, which stay the
 * one full implementation of the protocol.
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
    if (!handler || !url.startsWith(PATH_PREFIX) || url.includes('?')) return false;
    const rest = url.slice(PATH_PREFIX.length);
    const exchange: Exchange = { request, response, log, started: performance.now(), requestId: '' };
    if (request.method === 'GET') return this.get(handler, exchange, rest);
    if (request.method === 'POST') return this.batchGet(handler, exchange, rest);
    return false;
  }

  private get(handler: PeerHandler, exchange: Exchange, rest: string): boolean {
    const { request } = exchange;
    // A key path has a '/' after the group; `:stats`, `<group>:hot` and the stream do not.
    if (!rest.includes('/')) return false;
    const decoded = tryDecode(() => {
      const { group, key } = decodeKeyPath(request.url as string);
      return { group, key, context: decodeContext(request.headers) };
    });
    if (!decoded) return false;
    const { group, key, context } = decoded;
    const requestId = (exchange.requestId = context.requestId ?? newRequestId());
    handler
      .get({ group, key, ringVersion: context.ringVersion, hops: context.hops, requestId })
      .then(
        (answer) => write(exchange, getAnswer(group, key, answer)),
        (error: unknown) => this.fail(exchange, error),
      )
      .catch(() => exchange.response.destroy());
    return true;
  }

  private batchGet(handler: PeerHandler, exchange: Exchange, rest: string): boolean {
    const { request } = exchange;
    if (rest.includes('/') || !rest.endsWith(`:${BATCH_GET}`)) return false;
    const length = Number(request.headers['content-length']);
    const type = request.headers['content-type'];
    if (
      !(length > 0 && length <= this.maxBodyBytes) ||
      type === undefined ||
      !type.startsWith('application/json')
    )
      return false;
    const decoded = tryDecode(() => ({
      group: decodeMethodPath(request.url as string).group,
      context: decodeContext(request.headers),
    }));
    if (!decoded) return false;
    const { group, context } = decoded;
    const requestId = (exchange.requestId = context.requestId ?? newRequestId());
    readBody(request, length)
      .then((body) => {
        const keys = decodeBatchKeys(body);
        return handler.getMany({
          group,
          keys,
          ringVersion: context.ringVersion,
          hops: context.hops,
          requestId,
        });
      })
      .then(
        ({ results }) => write(exchange, batchAnswer(results, request.headers.accept)),
        (error: unknown) => this.fail(exchange, error),
      )
      .catch(() => exchange.response.destroy());
    return true;
  }

  private fail(exchange: Exchange, error: unknown): void {
    const { request, requestId } = exchange;
    const answer = httpErrorOf(error);
    if (answer.body.code === 'internal') this.onInternalError?.(error, request, requestId);
    else if (answer.status >= 500) this.onServerError?.(answer, request, requestId);
    write(exchange, { status: answer.status, headers: JSON_HEADERS, body: JSON.stringify(answer.body) });
  }
}

/** One request being answered here. */
interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  log?: RequestLog;
  /** performance.now() when it arrived. */
  started: number;
  /** Its id, once its headers are decoded. */
  requestId: string;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

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
