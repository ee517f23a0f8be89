import { Catch, Logger } from '@nestjs/common';
import type { RpcExceptionFilter } from '@nestjs/common';
import { throwError } from 'rxjs';
import type { Observable } from 'rxjs';

import { RingcacheError } from '@ringcache/cache-core';

import { toGrpcStatus } from './server-errors';

/**
 * Turns whatever a PeerGrpcController call throws into the gRPC status of its ringcache code (see
 * grpc-status.ts), with the code in trailing metadata. Errors that are not RingcacheErrors are bugs: they
 * are logged here with their stack and answered INTERNAL with a fixed message, so nothing of them leaks.
 */
@Catch()
export class PeerGrpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('PeerGrpc');

  catch(exception: unknown): Observable<never> {
    if (!(exception instanceof RingcacheError)) {
      this.logger.error(
        `unexpected error serving a peer call`,
        exception instanceof Error ? exception.stack : exception,
      );
    }
    const status = toGrpcStatus(exception);
    return throwError(() => status);
  }
}
