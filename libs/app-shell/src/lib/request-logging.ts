import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

import { newRequestId, REQUEST_ID_HEADER, requestIdOf, type RequestLog } from '@ringcache/cache-core';

/** Options of {@link logRequests}. */
export interface RequestLoggingOptions {
  /** Requests taking at least this many ms are logged as warnings; 0: none. */
  slowRequestMs: number;
  /** Set `x-request-id` on every response. */
  echoRequestId: boolean;
  /** Requests whose answer is a stream lasting as long as its client (never logged as slow). Default none. */
  isStream?: (url: string) => boolean;
}

/** Health routes: polled all the time, and their 503 is an answer. */
const HEALTH_PROBES = new Set(['/healthz', '/readyz']);

/**
 * Fastify's `genReqId`: the request's own `x-request-id` when it is a valid one (requestIdOf), else a new
 * id of this process's (a prefix and a counter, not a UUID: it is made for every request).
 */
export function requestIdFor(request: IncomingMessage): string {
  return requestIdOf(request.headers[REQUEST_ID_HEADER]) ?? newRequestId();
}

/**
 * Answers some requests in node:http before Fastify (a hot path the framework would slow down), telling
 * `log` about each one it answers; returns false, having touched nothing, to leave a request to Fastify.
 */
export type FastPath = (request: IncomingMessage, response: ServerResponse, log: RequestLog) => boolean;

/**
 * The requests worth a line, never every request at `info`: answers of 500 and above (but a health
 * probe's) and requests slower than `slowRequestMs` as warnings, every request only at `debug` (the level
 * is read once, here). Fastify's requests (logRequests) and the fast paths' are logged alike.
 */
export function requestLog(
  logger: Logger,
  options: Pick<RequestLoggingOptions, 'slowRequestMs' | 'isStream'>,
): RequestLog {
  const { slowRequestMs } = options;
  const isStream = options.isStream ?? (() => false);
  const everyRequest = logger.isLevelEnabled('debug');
  return (line) => {
    // A 503 from /readyz is its answer, not a failure: readiness changes are logged where they happen.
    const failed = line.status >= 500 && !HEALTH_PROBES.has(line.url);
    const slow = slowRequestMs > 0 && line.ms >= slowRequestMs && !isStream(line.url);
    if (!failed && !slow && !everyRequest) return;
    const fields = { ...line, ms: Math.round(line.ms * 10) / 10 };
    if (failed) logger.warn(fields, 'request failed');
    else if (slow) logger.warn(fields, 'slow request');
    else logger.debug(fields, 'request');
  };
}

/**
 * Logs Fastify's requests through requestLog, each line with the request's `reqId`, method, url, status
 * and time in ms. With `echoRequestId`, every response also carries its request id in `x-request-id`.
 */
export function logRequests(fastify: FastifyInstance, logger: Logger, options: RequestLoggingOptions): void {
  const log = requestLog(logger, options);
  if (options.echoRequestId) {
    fastify.addHook('onRequest', (request, reply, done) => {
      void reply.header(REQUEST_ID_HEADER, request.id);
      done();
    });
  }
  fastify.addHook('onResponse', (request, reply, done) => {
    log({
      reqId: request.id,
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: reply.elapsedTime,
    });
    done();
  });
}
