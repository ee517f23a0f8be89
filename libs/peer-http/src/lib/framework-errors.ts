import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import { httpErrorOf } from './http-errors';

/**
 * A Fastify `frameworkErrors` handler: answers the errors Fastify raises before any route runs — chiefly a
 * URL that is not valid percent-encoding (FST_ERR_BAD_URL) — in the ringcache format, `400
 * {"code":"invalid_argument",...}`. Fastify takes it only when the instance is created, so the app passes
 * it: `new FastifyAdapter({ frameworkErrors: peerHttpFrameworkErrors })`. Without it such requests get
 * Fastify's own 400 JSON, which HttpPeerClient reads as InvalidArgumentError too.
 */
export function peerHttpFrameworkErrors(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const { status, body } = httpErrorOf(error);
  void reply.code(status).send(body);
}
