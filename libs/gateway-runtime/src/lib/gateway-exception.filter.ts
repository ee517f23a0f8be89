import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { RingcacheError } from '@ringcache/cache-core';
import { httpErrorOf } from '@ringcache/peer-http';

/**
 * Every error the gateway answers is JSON `{code, message}`: ringcache errors with the status of the one
 * shared table (peer-http's httpErrorOf), Nest's own HTTP exceptions (unknown route, say) with their
 * status, anything else 500 without internals.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('gateway');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof HttpException && !(error instanceof RingcacheError)) {
      const status = error.getStatus();
      const code =
        status === 404
          ? 'not_found'
          : status === 413
            ? 'value_too_large'
            : status < 500
              ? 'invalid_argument'
              : 'internal';
      void reply.status(status).send({ code, message: error.message });
      return;
    }
    const answer = httpErrorOf(error);
    if (answer.body.code === 'internal')
      this.logger.error({ msg: 'internal error', reqId: reply.request.id, err: error });
    void reply.status(answer.status).send(answer.body);
  }
}
