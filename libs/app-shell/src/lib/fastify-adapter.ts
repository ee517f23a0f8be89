import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyServerOptions } from 'fastify';

import { clientErrorHandler } from './client-errors';
import { requestIdFor } from './request-logging';

/**
 * Longest path parameter, in characters. Fastify's default (100) would turn a long key into a generic
 * 400 before our validation runs; keys are limited to 1 KiB of UTF-8, up to 3 KiB percent-encoded, and
 * the limit check must be ours (414 with a clear message).
 */
export const MAX_PARAM_LENGTH = 16 * 1024;

/**
 * The Fastify adapter every ringcache app uses. A trailing slash is ignored (`/keys/` is `/keys`), so a
 * missing key reaches the route that says so instead of a generic 404. While closing, requests that still
 * arrive on open connections are served (not answered 503), and their connections closed after (see
 * closeOnSignals): a peer's request is never failed just because this node is on its way out. Each
 * request's id (`request.id`) is its `x-request-id`, or one made here (requestIdFor). Bytes that are no
 * request are answered after the answers to the requests before them (clientErrorHandler).
 */
export function createFastifyAdapter(
  options: Pick<FastifyServerOptions, 'frameworkErrors' | 'serverFactory'> = {},
): FastifyAdapter {
  return new FastifyAdapter({
    ...options,
    return503OnClosing: false,
    clientErrorHandler,
    genReqId: requestIdFor,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH, ignoreTrailingSlash: true },
  });
}
