import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

import {
  InvalidArgumentError,
  isErrorCode,
  KeyTooLongError,
  LoadError,
  LoadTimeoutError,
  OverloadedError,
  PeerUnavailableError,
  RingcacheError,
  UnavailableError,
  UnimplementedError,
  UnknownGroupError,
  ValueTooLargeError,
} from '@ringcache/cache-core';
import type { ErrorCode } from '@ringcache/cache-core';

import { fromServiceError } from './client-errors';
import { GRPC_STATUS_BY_CODE, RINGCACHE_CODE_METADATA } from './grpc-status';
import { INTERNAL_ERROR_DETAILS, toGrpcStatus } from './server-errors';

const context = { peer: 'node-b', operation: 'Get', group: 'scores', key: 'Tom' };

/** A ServiceError as grpc-js hands it to a client callback. */
function serviceError(code: status, details: string, ringcacheCode?: string): ServiceError {
  const metadata = new Metadata();
  if (ringcacheCode !== undefined) metadata.set(RINGCACHE_CODE_METADATA, ringcacheCode);
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

/** One error of each code, as a server would throw it. */
const SAMPLES: Record<ErrorCode, RingcacheError> = {
  invalid_argument: new InvalidArgumentError('group must be a non-empty string'),
  key_too_long: new KeyTooLongError(2_000, 1_024),
  value_too_large: new ValueTooLargeError(9_000_000, 8_000_000),
  unknown_group: new UnknownGroupError('nope'),
  peer_unavailable: new PeerUnavailableError('node-c', 'Get', 'UNAVAILABLE: connection refused'),
  load_failed: new LoadError('scores', 'Tom', { cause: new Error('ECONNREFUSED') }),
  load_timeout: new LoadTimeoutError('scores', 'Tom', 2_500),
  unavailable: new UnavailableError('no owner reachable'),
  unimplemented: new UnimplementedError('Set'),
  overloaded: new OverloadedError('overloaded: 1 requests in flight, try again shortly'),
  internal: new RingcacheError('internal', 'ring is inconsistent'),
};

describe('GRPC_STATUS_BY_CODE', () => {
  it('maps each ringcache code to the agreed gRPC status', () => {
    expect(GRPC_STATUS_BY_CODE).toEqual({
      invalid_argument: status.INVALID_ARGUMENT,
      key_too_long: status.INVALID_ARGUMENT,
      value_too_large: status.RESOURCE_EXHAUSTED,
      unknown_group: status.NOT_FOUND,
      peer_unavailable: status.UNAVAILABLE,
      unavailable: status.UNAVAILABLE,
      load_failed: status.UNAVAILABLE,
      load_timeout: status.DEADLINE_EXCEEDED,
      unimplemented: status.UNIMPLEMENTED,
      overloaded: status.RESOURCE_EXHAUSTED,
      internal: status.INTERNAL,
    });
  });

  it('recognises codes from the wire, and nothing else', () => {
    expect(isErrorCode('load_failed')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('')).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });
});

describe('toGrpcStatus (server side)', () => {
  it('sends the status of the code, the message, and the code in trailing metadata', () => {
    const sent = toGrpcStatus(new KeyTooLongError(2_000, 1_024));
    expect(sent.code).toBe(status.INVALID_ARGUMENT);
    expect(sent.details).toBe('key is 2000 bytes, over the limit of 1024');
    expect(sent.metadata.get(RINGCACHE_CODE_METADATA)).toEqual(['key_too_long']);
  });

  it('answers anything else INTERNAL with a fixed message', () => {
    const sent = toGrpcStatus(new TypeError('cannot read properties of undefined (reading "secret")'));
    expect(sent).toMatchObject({ code: status.INTERNAL, details: INTERNAL_ERROR_DETAILS });
    expect(sent.metadata.get(RINGCACHE_CODE_METADATA)).toEqual(['internal']);
  });
});

describe('fromServiceError (client side)', () => {
  it.each(Object.entries(SAMPLES))(
    'rebuilds %s with its class, code, recoverable flag and message',
    (_code, sample) => {
      const sent = toGrpcStatus(sample);
      const received = serviceError(
        sent.code,
        sent.details,
        sent.metadata.get(RINGCACHE_CODE_METADATA)[0] as string,
      );
      const rebuilt = fromServiceError(received, context);
      expect(rebuilt).toBeInstanceOf(sample.constructor);
      expect(rebuilt).toMatchObject({
        code: sample.code,
        recoverable: sample.recoverable,
        message: sample.message,
      });
      expect(rebuilt.name).toBe(sample.name);
    },
  );

  it.each([
    [status.UNAVAILABLE, 'No connection established'],
    [status.DEADLINE_EXCEEDED, 'Deadline exceeded after 0.300s'],
    [status.CANCELLED, 'Cancelled on client'],
  ])('turns transport status %s without a ringcache code into PeerUnavailableError', (code, details) => {
    const error = fromServiceError(serviceError(code, details), context);
    expect(error).toBeInstanceOf(PeerUnavailableError);
    expect(error).toMatchObject({ peer: 'node-b', operation: 'Get', recoverable: true });
    expect(error.message).toBe(`Get on peer node-b failed: ${status[code]}: ${details}`);
  });

  it('turns UNIMPLEMENTED from a server without the method into UnimplementedError', () => {
    expect(fromServiceError(serviceError(status.UNIMPLEMENTED, 'no such method'), context)).toBeInstanceOf(
      UnimplementedError,
    );
  });

  it('turns other statuses, and unknown codes, into internal errors naming the peer', () => {
    const error = fromServiceError(serviceError(status.INTERNAL, 'Error deserializing response'), context);
    expect(error).toMatchObject({ code: 'internal', recoverable: false });
    expect(error.message).toBe('Get on peer node-b failed: INTERNAL: Error deserializing response');
    const unknown = fromServiceError(serviceError(status.NOT_FOUND, 'x', 'brand_new_code'), context);
    expect(unknown.code).toBe('internal');
  });
});
