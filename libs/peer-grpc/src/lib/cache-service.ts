import type {
  sendUnaryData,
  Server,
  ServerUnaryCall,
  ServiceDefinition,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';

import {
  OverloadedError,
  RingcacheError,
  UnimplementedError,
  type ErrorCode,
  type InFlightLimiter,
  type PeerHandler,
} from '@ringcache/cache-core';
import { CACHE_SERVICE_NAME } from '@ringcache/proto';

import { assertDecoded } from './malformed-request';
import {
  deleteManyRequestFromMessage,
  deleteManyResponseToMessage,
  deleteRequestFromMessage,
  deleteResponseToMessage,
  expireRequestFromMessage,
  expireResponseToMessage,
  flushRequestFromMessage,
  flushResponseToMessage,
  getManyRequestFromMessage,
  getManyResponseToMessage,
  getRequestFromMessage,
  getResponseToMessage,
  hotKeysRequestFromMessage,
  hotKeysResponseToMessage,
  setManyRequestFromMessage,
  setManyResponseToMessage,
  setRequestFromMessage,
  setResponseToMessage,
  statsResponseToMessage,
} from './messages';
import { requestIdFrom } from './request-id-metadata';
import { toGrpcStatus } from './server-errors';

/** Where the service reports failures worth a line. */
export interface CacheServiceLogger {
  error(fields: object): void;
  warn(fields: object): void;
}

/** Codes that mean this node could not serve the call (not the caller's mistake): logged, with the request id. */
const SERVER_SIDE: ReadonlySet<ErrorCode> = new Set([
  'load_failed',
  'load_timeout',
  'unavailable',
  'peer_unavailable',
]);

type Unary = (call: ServerUnaryCall<object, object>, callback: sendUnaryData<object>) => void;

/**
 * The `ringcache.v1.Cache` service as grpc-js handlers that call the PeerHandler directly. Nest's
 * microservice pipeline (an execution context, an observable and a subscription per call) cost more than
 * the cache lookup on this, the hottest path, so the service is not served through Nest's handlers: the
 * server Nest creates gets these instead (see grpcServerOptions). Each handler decodes (a malformed message
 * is INVALID_ARGUMENT), calls the handler, and encodes the answer or the error's status (toGrpcStatus);
 * unexpected errors are logged with their stack, failures on this node's side as warnings. With `inFlight`,
 * a call past the bound is answered RESOURCE_EXHAUSTED `overloaded` at once, without decoding it.
 */
export function cacheServiceHandlers(
  handler: PeerHandler,
  logger: CacheServiceLogger,
  inFlight?: InFlightLimiter,
): UntypedServiceImplementation {
  const unary =
    <M extends object, R>(name: string, run: (message: M, requestId: string) => Promise<R>): Unary =>
    (call, callback) => {
      if (inFlight && !inFlight.tryAcquire()) {
        callback(toGrpcStatus(new OverloadedError(inFlight.describe())));
        return;
      }
      const done: sendUnaryData<object> = inFlight
        ? (error, value) => {
            inFlight.release();
            callback(error, value);
          }
        : callback;
      serve(call, done, name, run);
    };
  const serve = <M extends object, R>(
    call: ServerUnaryCall<object, object>,
    callback: sendUnaryData<object>,
    name: string,
    run: (message: M, requestId: string) => Promise<R>,
  ): void => {
    const requestId = requestIdFrom(call.metadata);
    let answer: Promise<R>;
    try {
      answer = run(assertDecoded(call.request as M, `${name}Request`), requestId);
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (response) => callback(null, response as object),
      (error: unknown) => {
        if (!(error instanceof RingcacheError)) {
          logger.error({ msg: 'unexpected error serving a peer call', reqId: requestId, err: error });
        } else if (SERVER_SIDE.has(error.code)) {
          logger.warn({ msg: error.message, reqId: requestId, code: error.code });
        }
        callback(toGrpcStatus(error));
      },
    );
  };
  return {
    Get: unary('Get', async (m, id) =>
      getResponseToMessage(await handler.get(getRequestFromMessage(m as never, id))),
    ),
    GetMany: unary('GetMany', async (m, id) =>
      getManyResponseToMessage(await handler.getMany(getManyRequestFromMessage(m as never, id))),
    ),
    Set: unary('Set', async (m, id) =>
      setResponseToMessage(await handler.set(setRequestFromMessage(m as never, id))),
    ),
    SetMany: unary('SetMany', async (m, id) =>
      setManyResponseToMessage(await handler.setMany(setManyRequestFromMessage(m as never, id))),
    ),
    DeleteMany: unary('DeleteMany', async (m, id) =>
      deleteManyResponseToMessage(await handler.deleteMany(deleteManyRequestFromMessage(m as never, id))),
    ),
    Delete: unary('Delete', async (m, id) =>
      deleteResponseToMessage(await handler.delete(deleteRequestFromMessage(m as never, id))),
    ),
    Flush: unary('Flush', async (m) =>
      flushResponseToMessage(await handler.flush(flushRequestFromMessage(m as never))),
    ),
    Expire: unary('Expire', async (m) =>
      expireResponseToMessage(await handler.expire(expireRequestFromMessage(m as never))),
    ),
    // The statistics calls: served when the handler keeps statistics, as the HTTP routes are.
    Stats: unary('Stats', async () => {
      if (!handler.groupStats) throw new UnimplementedError('Stats');
      return statsResponseToMessage(await handler.groupStats());
    }),
    HotKeys: unary('HotKeys', async (m) => {
      if (!handler.hotKeys) throw new UnimplementedError('HotKeys');
      return hotKeysResponseToMessage(await handler.hotKeys(hotKeysRequestFromMessage(m as never)));
    }),
  };
}

/**
 * Makes `server` serve `implementation` for the Cache service whatever handlers it is given for it (Nest
 * registers its own, empty, set): every other service is added as asked.
 */
export function serveCacheService(server: Server, implementation: UntypedServiceImplementation): void {
  const addService = server.addService.bind(server);
  server.addService = (service: ServiceDefinition, handlers: UntypedServiceImplementation) =>
    addService(service, isCacheService(service) ? { ...handlers, ...implementation } : handlers);
}

function isCacheService(service: ServiceDefinition): boolean {
  return Object.values(service).some((method) => method.path.startsWith(`/${CACHE_SERVICE_NAME}/`));
}
