import type { FastifyInstance } from 'fastify';

/**
 * Every request body reaches the gateway's handlers as the raw Buffer: a value is bytes whatever its
 * content type (a JSON value is stored as sent, not re-serialised), and the batch route parses its own
 * JSON to answer a clear 400. `bodyLimit` bounds any body; a larger one is answered 413.
 */
export function gatewayBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) =>
    done(null, body),
  );
}
