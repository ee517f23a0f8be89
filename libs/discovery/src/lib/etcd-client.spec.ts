import {
  castGrpcError,
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  GRPCInvalidArgumentError,
  GRPCUnavailableError,
} from 'etcd3';

import { isHostFailure } from './etcd-client';

/** An error as grpc-js rejects a call with, cast the way etcd3 casts it before its policies see it. */
function grpcError(code: number, details: string): Error {
  return castGrpcError(Object.assign(new Error(`${code} ${details}`), { code }));
}

describe('isHostFailure', () => {
  it('counts a member that does not answer, or answers late, against it', () => {
    expect(grpcError(14, 'UNAVAILABLE: No connection established')).toBeInstanceOf(GRPCUnavailableError);
    expect(isHostFailure(grpcError(14, 'UNAVAILABLE: No connection established'))).toBe(true);
    expect(isHostFailure(grpcError(4, 'DEADLINE_EXCEEDED: Deadline exceeded'))).toBe(true);
    expect(isHostFailure(new GRPCDeadlineExceededError('late'))).toBe(true);
  });

  it('does not count a call cancelled by its caller, which etcd3 would count', () => {
    const cancelled = grpcError(1, 'CANCELLED: Cancelled on client');
    expect(cancelled).toBeInstanceOf(GRPCCancelledError);
    expect(isHostFailure(cancelled)).toBe(false);
  });

  it('does not count an answer that is an error of the request', () => {
    expect(isHostFailure(new GRPCInvalidArgumentError('etcdserver: key is not provided'))).toBe(false);
    expect(isHostFailure(new Error('not a gRPC error'))).toBe(false);
  });
});
