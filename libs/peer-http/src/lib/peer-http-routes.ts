import type { ServerResponse } from 'node:http';

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import {
  InvalidArgumentError,
  REQUEST_ID_HEADER,
  requestIdOf,
  UnimplementedError,
  type PeerHandler,
} from '@ringcache/cache-core';

import { httpErrorOf, type HttpErrorAnswer } from './http-errors';
import { batchAnswer, getAnswer, type PeerAnswer } from './peer-http-answers';
import { decodeKeyPath, decodeMethodPath } from './peer-path';
import {
  decodeBatchKeys,
  decodeContext,
  decodeDeleteKeys,
  decodeExpiredKeys,
  decodeGeneration,
  decodeLocalOnly,
  decodeSetEntriesBody,
  decodeTtlMs,
} from './request-decoder';
import { statsAnswer } from './stats-routes';
import { BATCH_TYPE } from './batch-codec';
import {
  BATCH_DELETE,
  BATCH_GET,
  BATCH_SET,
  EXPIRE,
  FLUSH,
  INVALIDATIONS,
  JSON_TYPE,
  NDJSON_TYPE,
  OCTET_STREAM,
  PATH_PREFIX,
  STREAM_HEARTBEAT_MS,
} from './wire';

/** Options of {@link registerPeerHttpRoutes}. */
export interface PeerHttpRoutesOptions {
  /**
   * Largest request body in bytes (a PUT's value, the key list of a batchGet or an expire); larger ones are
   * answered 413 `value_too_large`. Default 16 MiB: above Fastify's 1 MiB default, which a batchGet of 1,000
   * long keys, or an expire of 10,000, can exceed.
   */
  maxBodyBytes?: number;
  /** Told about every error answered as 500 `internal` (the caller sees no detail). Default: none. */
  onInternalError?: (error: unknown, request: FastifyRequest) => void;
  /**
   * Told about every other error answered with a 5xx status (a failed load, say), with the request's id
   * (its `x-request-id`, or the one Fastify gave it). Default: none.
   */
  onServerError?: (answer: HttpErrorAnswer, request: FastifyRequest, requestId: string) => void;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * Serves the HTTP peer protocol on a Fastify instance: decodes each request, calls `handler`, encodes the
 * answer. The routes live in their own encapsulated context, with body parsers of their own (octet-stream
 * and JSON, both kept as raw bytes) and an error handler of their own, so the app's parsers and error
 * format are untouched and every failure of these routes — a body Fastify could not read included — is
 * answered as `{code, message}`. Call before the instance is ready (listening).
 */
export function registerPeerHttpRoutes(
  fastify: FastifyInstance,
  handler: PeerHandler,
  options: PeerHttpRoutesOptions = {},
): void {
  const bodyLimit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit < 1) {
    throw new InvalidArgumentError(
      `peer-http option maxBodyBytes must be a positive integer, got ${bodyLimit}`,
    );
  }
  const onInternalError = options.onInternalError;
  const onServerError = options.onServerError;

  const streams = new Set<ServerResponse>();

  /**
   * The invalidation stream: one JSON line per invalidation, a `hello` first and a `ping` when idle. It
   * never ends by itself; closing the server ends it (preClose, below), and a subscriber too slow to read
   * (over a megabyte behind) is cut off, since it will resubscribe and start from empty anyway.
   */
  const stream = (request: FastifyRequest, reply: FastifyReply): void => {
    const subscribe = handler.subscribe?.bind(handler);
    if (!subscribe) throw new UnimplementedError('the invalidation stream');
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': NDJSON_TYPE, 'cache-control': 'no-store' });
    // The events of one run of code (a batch's keys) go out as one write, queued as a microtask: ahead of
    // the continuations that answer the writes announced, and sent to the socket at once (node:http would
    // hold a write corked until the next tick, while an answer's `end` goes out at once). So a write's
    // announcement leaves before its answer, even when this process is then descheduled; at the end of the
    // turn instead, a busy machine could hold it back for milliseconds after the answer was out, while a
    // near cache elsewhere kept the old value.
    let lines = '';
    const flush = (): void => {
      const chunk = lines;
      lines = '';
      if (res.writableLength > 1024 * 1024) res.destroy();
      else if (!res.destroyed) {
        res.write(chunk);
        res.socket?.uncork();
      }
    };
    const write = (event: object): void => {
      if (lines === '') queueMicrotask(flush);
      lines += `${JSON.stringify(event)}\n`;
    };
    write({ kind: 'hello' });
    const unsubscribe = subscribe(write);
    const heartbeat = setInterval(() => write({ kind: 'ping' }), STREAM_HEARTBEAT_MS);
    heartbeat.unref();
    streams.add(res);
    res.on('close', () => {
      unsubscribe();
      clearInterval(heartbeat);
      streams.delete(res);
    });
  };

  const get = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> => {
    if (isInvalidationStream(request.url)) return stream(request, reply);
    const stats = statsAnswer(handler, request.url, request.query);
    if (stats) return reply.code(200).send(await stats);
    const { group, key } = decodeKeyPath(request.url);
    const { ringVersion, hops, requestId } = decodeContext(request.headers);
    const response = await handler.get({ group, key, ringVersion, hops, requestId: requestId ?? request.id });
    return send(reply, getAnswer(group, key, response));
  };

  const batchGet = async (group: string, request: FastifyRequest, reply: FastifyReply) => {
    const keys = decodeBatchKeys(request.body);
    const { ringVersion, hops, requestId } = decodeContext(request.headers);
    const { results } = await handler.getMany({
      group,
      keys,
      ringVersion,
      hops,
      requestId: requestId ?? request.id,
    });
    return send(reply, batchAnswer(results, request.headers.accept));
  };

  const batchSet = async (group: string, request: FastifyRequest, reply: FastifyReply) => {
    const entries = decodeSetEntriesBody(request.body, request.headers['content-type']);
    const { ringVersion, hops, requestId } = decodeContext(request.headers);
    const { results } = await handler.setMany({
      group,
      entries,
      ringVersion,
      hops,
      requestId: requestId ?? request.id,
    });
    return reply.code(200).send({ results });
  };

  const batchDelete = async (group: string, request: FastifyRequest, reply: FastifyReply) => {
    const { keys, localOnly } = decodeDeleteKeys(request.body);
    const { ringVersion, hops, requestId } = decodeContext(request.headers);
    const { results } = await handler.deleteMany({
      group,
      keys,
      localOnly,
      ringVersion,
      hops,
      requestId: requestId ?? request.id,
    });
    return reply.code(200).send({ results });
  };

  const flush = async (group: string, request: FastifyRequest, reply: FastifyReply) => {
    const generation = decodeGeneration(request.body);
    const response = await handler.flush({ group, generation });
    return reply.code(200).send({ generation: response.generation });
  };

  const expire = async (group: string, request: FastifyRequest, reply: FastifyReply) => {
    // The keys carry their groups; a group segment would be a second, conflicting one.
    if (group !== '') throw new InvalidArgumentError(`expire takes no group: POST ${PATH_PREFIX}:${EXPIRE}`);
    const keys = decodeExpiredKeys(request.body);
    const { removed, scheduled } = await handler.expire({ keys });
    return reply.code(200).send({ removed, scheduled });
  };

  const post = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { group, method } = decodeMethodPath(request.url);
    switch (method) {
      case BATCH_GET:
        return batchGet(group, request, reply);
      case BATCH_SET:
        return batchSet(group, request, reply);
      case BATCH_DELETE:
        return batchDelete(group, request, reply);
      case FLUSH:
        return flush(group, request, reply);
      case EXPIRE:
        return expire(group, request, reply);
    }
    throw new UnimplementedError(`POST ${PATH_PREFIX}<group>:${method}`);
  };

  const put = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { group, key } = decodeKeyPath(request.url);
    const { ringVersion, hops, requestId } = decodeContext(request.headers);
    const ttlMs = decodeTtlMs(request.query);
    // No body (Content-Length: 0 without a content type) is an empty value.
    const value = Buffer.isBuffer(request.body) ? request.body : EMPTY;
    const { expireAtMs } = await handler.set({
      group,
      key,
      value,
      ttlMs,
      ringVersion,
      hops,
      requestId: requestId ?? request.id,
    });
    return reply.code(200).send({ expireAtMs });
  };

  const del = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { group, key } = decodeKeyPath(request.url);
    const { ringVersion, hops, requestId } = decodeContext(request.headers);
    const localOnly = decodeLocalOnly(request.query);
    const { deleted } = await handler.delete({
      group,
      key,
      ringVersion,
      hops,
      localOnly,
      requestId: requestId ?? request.id,
    });
    return reply.code(200).send({ deleted });
  };

  const errorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const answer = httpErrorOf(error);
    if (answer.body.code === 'internal') onInternalError?.(error, request);
    else if (answer.status >= 500)
      onServerError?.(answer, request, requestIdOf(request.headers[REQUEST_ID_HEADER]) ?? request.id);
    void reply.code(answer.status).send(answer.body);
  };

  void fastify.register(async (scope) => {
    // Streams never finish on their own: end them when the server closes, or it would wait forever.
    scope.addHook('preClose', (done) => {
      for (const res of streams) res.end();
      done();
    });
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      [OCTET_STREAM, JSON_TYPE, BATCH_TYPE],
      { parseAs: 'buffer', bodyLimit },
      (_request, body, done) => done(null, body),
    );
    const url = `${PATH_PREFIX}*`;
    // HEAD is not part of the protocol; exposing it would run a load for an answer nobody reads.
    const common = { url, errorHandler, exposeHeadRoute: false };
    scope.route({ ...common, method: 'GET', handler: get });
    scope.route({ ...common, method: 'POST', handler: post });
    scope.route({ ...common, method: 'PUT', handler: put });
    scope.route({ ...common, method: 'DELETE', handler: del });
  });
}

/**
 * True for the URL of the invalidation stream, an answer that lasts as long as its subscriber: request logs
 * must not count it as a slow request.
 */
export function isInvalidationStream(url: string): boolean {
  return url === `${PATH_PREFIX}:${INVALIDATIONS}`;
}

/** Writes a prepared answer (the same the fast path writes). */
function send(reply: FastifyReply, answer: PeerAnswer): FastifyReply {
  return reply.code(answer.status).headers(answer.headers).send(answer.body);
}
