import { Metadata } from '@grpc/grpc-js';
import type {
  sendUnaryData,
  Server,
  ServerDuplexStream,
  ServerUnaryCall,
  ServiceDefinition,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';

import {
  InvalidArgumentError,
  newRequestId,
  OverloadedError,
  requestIdOf,
  RingcacheError,
  UnimplementedError,
  type ErrorCode,
  type InFlightLimiter,
  type PeerHandler,
} from '@ringcache/cache-core';
import { CACHE_SERVICE_NAME } from '@ringcache/proto';
import type * as pb from '@ringcache/proto';

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
import { callMessageBytes, MessagePacker, PACKS_HEADER } from './message-packer';
import { OpenStreams } from './open-streams';
import { requestIdFrom } from './request-id-metadata';
import { toGrpcStatus, wireError } from './server-errors';
import type { StreamCall } from './stream-calls';

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
/** How a served call ends: with its answer, or with the error to report. */
type Done<R> = (error: unknown, response?: R) => void;

/**
 * The `ringcache.v1.Cache` service as grpc-js handlers that call the PeerHandler directly. Nest's
 * microservice pipeline (an execution context, an observable and a subscription per call) cost more than
 * the cache lookup on this, the hottest path, so the service is not served through Nest's handlers: the
 * server Nest creates gets these instead (see grpcServerOptions). Each handler decodes (a malformed message
 * is INVALID_ARGUMENT), calls the handler, and encodes the answer or the error's status (toGrpcStatus);
 * unexpected errors are logged with their stack, failures on this node's side as warnings. With `inFlight`,
 * a call past the bound is answered RESOURCE_EXHAUSTED `overloaded` at once, without decoding it. A Calls
 * stream serves each of its messages as the unary method of its call's name, by the same rules, and answers
 * an error with its ringcache code and message; `streams` tracks the open ones, so that a shutdown can end
 * them (OpenStreams).
 */
export function cacheServiceHandlers(
  handler: PeerHandler,
  logger: CacheServiceLogger,
  inFlight?: InFlightLimiter,
  streams = new OpenStreams(),
): UntypedServiceImplementation {
  /** Runs one call within the in-flight bound, logs its failure as it deserves, and reports how it ended. */
  const serve = <R>(requestId: string, run: () => Promise<R>, done: Done<R>): void => {
    if (inFlight && !inFlight.tryAcquire()) {
      done(new OverloadedError(inFlight.describe()));
      return;
    }
    let answer: Promise<R>;
    try {
      answer = run();
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (response) => {
        inFlight?.release();
        done(undefined, response);
      },
      (error: unknown) => {
        inFlight?.release();
        if (!(error instanceof RingcacheError)) {
          logger.error({ msg: 'unexpected error serving a peer call', reqId: requestId, err: error });
        } else if (SERVER_SIDE.has(error.code)) {
          logger.warn({ msg: error.message, reqId: requestId, code: error.code });
        }
        done(error);
      },
    );
  };
  const unary =
    <M extends object, R>(name: string, run: (message: M, requestId: string) => Promise<R>): Unary =>
    (call, callback) => {
      const requestId = requestIdFrom(call.metadata);
      serve(
        requestId,
        () => run(assertDecoded(call.request as M, `${name}Request`), requestId),
        (error, response) =>
          error === undefined ? callback(null, response as object) : callback(toGrpcStatus(error)),
      );
    };
  /** The data calls, served alike as unary methods and as messages of a Calls stream. */
  const data: { [K in StreamCall]: (message: never, requestId: string) => Promise<object> } = {
    get: async (m, id) => getResponseToMessage(await handler.get(getRequestFromMessage(m, id))),
    getMany: async (m, id) =>
      getManyResponseToMessage(await handler.getMany(getManyRequestFromMessage(m, id))),
    set: async (m, id) => setResponseToMessage(await handler.set(setRequestFromMessage(m, id))),
    setMany: async (m, id) =>
      setManyResponseToMessage(await handler.setMany(setManyRequestFromMessage(m, id))),
    delete: async (m, id) => deleteResponseToMessage(await handler.delete(deleteRequestFromMessage(m, id))),
    deleteMany: async (m, id) =>
      deleteManyResponseToMessage(await handler.deleteMany(deleteManyRequestFromMessage(m, id))),
  };
  const calls = (call: ServerDuplexStream<object, object>): void => {
    // A caller that reads packs gets the answers of a turn together, and is told that its calls may come so.
    const packer = new MessagePacker<object>(call, callMessageBytes);
    if (call.metadata.get(PACKS_HEADER)[0] === '1') {
      packer.packing = true;
      const headers = new Metadata();
      headers.set(PACKS_HEADER, '1');
      call.sendMetadata(headers);
    }
    if (!streams.opened(call, () => packer.end())) return;
    const one = (message: pb.CallRequest__Output, packed: boolean): void => {
      const { id, call: kind } = message;
      const requestId = requestIdOf(message.requestId) ?? newRequestId();
      streams.started(call);
      serve(
        requestId,
        () => {
          // A call this node does not know (a newer caller's) or none at all: refused, the stream goes on.
          if (kind === undefined || !Object.hasOwn(data, kind))
            throw new InvalidArgumentError('CallRequest carries no call this node serves');
          if (packed && message.more.length > 0)
            throw new InvalidArgumentError('a call packed in another carries calls of its own');
          return data[kind](message[kind] as never, requestId);
        },
        (error, response) => {
          if (call.cancelled || call.destroyed) return streams.finished(call);
          if (error === undefined) packer.write({ id, [kind as StreamCall]: response });
          else {
            const { code, details } = wireError(error);
            packer.write({ id, errorCode: code, errorMessage: details });
          }
          streams.finished(call);
        },
      );
    };
    call.on('data', (message: pb.CallRequest__Output) => {
      try {
        assertDecoded(message, 'CallRequest');
      } catch (error) {
        // Without a decoded id there is no call to answer: the stream ends, as a unary call would.
        call.emit('error', toGrpcStatus(error));
        return;
      }
      one(message, false);
      for (const more of message.more) one(more, true);
    });
    // The caller half-closed: the answers it is owed still go out, then the stream ends.
    call.on('end', () => streams.endWhenAnswered(call));
    // A broken connection: its calls' answers have nowhere to go, and the caller fails them itself.
    call.on('error', () => undefined);
  };
  return {
    Get: unary('Get', data.get),
    GetMany: unary('GetMany', data.getMany),
    Set: unary('Set', data.set),
    SetMany: unary('SetMany', data.setMany),
    Delete: unary('Delete', data.delete),
    DeleteMany: unary('DeleteMany', data.deleteMany),
    Calls: calls,
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
