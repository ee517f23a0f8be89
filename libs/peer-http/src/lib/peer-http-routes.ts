import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { InvalidArgumentError, UnimplementedError, type PeerHandler } from '@ringcache/cache-core';

import { httpErrorOf } from './http-errors';
import { decodeKeyPath, decodeMethodPath } from './peer-path';
import { decodeBatchKeys, decodeContext, decodeTtlMs } from './request-decoder';
import {
  BATCH_GET,
  EXPIRE_AT_HEADER,
  JSON_TYPE,
  NOT_FOUND_CODE,
  OCTET_STREAM,
  PATH_PREFIX,
  type WireBatchResult,
} from './wire';

/** Options of {@link registerPeerHttpRoutes}. */
export interface PeerHttpRoutesOptions {
  /**
   * Largest request body in bytes (a PUT's value, a batchGet's key list); larger ones are answered 413
   * `value_too_large`. Default 16 MiB: above Fastify's 1 MiB default, which a batchGet of 1,000 long keys
   * can exceed.
   */
  maxBodyBytes?: number;
  /** Told about every error answered as 500 `internal` (the caller sees no detail). Default: none. */
  onInternalError?: (error: unknown, request: FastifyRequest) => void;
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

  const get = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { group, key } = decodeKeyPath(request.url);
    const { ringVersion, hops } = decodeContext(request.headers);
    const response = await handler.get({ group, key, ringVersion, hops });
    reply.header(EXPIRE_AT_HEADER, String(response.expireAtMs));
    if (!response.found) {
      return reply.code(404).send({ code: NOT_FOUND_CODE, message: `${group}/${key} not found` });
    }
    return reply.code(200).header('content-type', OCTET_STREAM).send(asBuffer(response.value));
  };

  const post = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { group, method } = decodeMethodPath(request.url);
    if (method !== BATCH_GET) throw new UnimplementedError(`POST ${PATH_PREFIX}<group>:${method}`);
    const keys = decodeBatchKeys(request.body);
    const { ringVersion, hops } = decodeContext(request.headers);
    const { results } = await handler.getMany({ group, keys, ringVersion, hops });
    const encoded: WireBatchResult[] = results.map((result) => ({
      found: result.found,
      value: result.found ? asBuffer(result.value).toString('base64') : '',
      expireAtMs: result.expireAtMs,
    }));
    return reply.code(200).send({ results: encoded });
  };

  const put = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { group, key } = decodeKeyPath(request.url);
    const { ringVersion, hops } = decodeContext(request.headers);
    const ttlMs = decodeTtlMs(request.query);
    // No body (Content-Length: 0 without a content type) is an empty value.
    const value = Buffer.isBuffer(request.body) ? request.body : EMPTY;
    const { expireAtMs } = await handler.set({ group, key, value, ttlMs, ringVersion, hops });
    return reply.code(200).send({ expireAtMs });
  };

  const del = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { group, key } = decodeKeyPath(request.url);
    const { ringVersion, hops } = decodeContext(request.headers);
    const { deleted } = await handler.delete({ group, key, ringVersion, hops });
    return reply.code(200).send({ deleted });
  };

  const errorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const { status, body } = httpErrorOf(error);
    if (body.code === 'internal') onInternalError?.(error, request);
    void reply.code(status).send(body);
  };

  void fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      [OCTET_STREAM, JSON_TYPE],
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

/** A Buffer view of the same bytes (no copy): Fastify sends Buffers as they are. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
