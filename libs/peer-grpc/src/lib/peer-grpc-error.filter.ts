import type { Metadata } from '@grpc/grpc-js';
import { Catch, Logger } from '@nestjs/common';
import type { ArgumentsHost, RpcExceptionFilter } from '@nestjs/common';
import { throwError } from 'rxjs';
import type { Observable } from 'rxjs';

import { RingcacheError, type ErrorCode } from '@ringcache/cache-core';

import { requestIdFrom } from './request-id-metadata';
import { toGrpcStatus } from './server-errors';

/** Codes that mean this node could not serve the call (not the caller's mistake): logged, with the request id. */
const SERVER_SIDE: ReadonlySet<ErrorCode> = new Set([
  'load_failed',
  'load_timeout',
  'unavailable',
  'peer_unavailable',
]);

/**
 * Turns whatever a PeerGrpcController call throws into the gRPC status of its ringcache code (see
 * grpc-status.ts), with the code in trailing metadata. Errors that are not RingcacheErrors are bugs: they
 * are logged here with their stack and answered INTERNAL with a fixed message, so nothing of them leaks.
 * Failures on this node's side (a load that failed or timed out) are logged as warnings; both name the
 * call's request id.
 */
@Catch()
export class PeerGrpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('PeerGrpc');

  catch(exception: unknown, host?: ArgumentsHost): Observable<never> {
    if (!(exception instanceof RingcacheError)) {
      this.logger.error({
        msg: 'unexpected error serving a peer call',
        reqId: requestIdOf(host),
        err: exception,
      });
    } else if (SERVER_SIDE.has(exception.code)) {
      this.logger.warn({ msg: exception.message, reqId: requestIdOf(host), code: exception.code });
    }
    const status = toGrpcStatus(exception);
    return throwError(() => status);
  }
}

function requestIdOf(host: ArgumentsHost | undefined): string | undefined {
  if (host?.getType() !== 'rpc') return undefined;
  return requestIdFrom(host.switchToRpc().getContext<Metadata | undefined>());
}
