import {
  InvalidArgumentError,
  isErrorCode,
  PeerUnavailableError,
  rebuildError,
  RingcacheError,
  UnimplementedError,
  type RemoteCall,
} from '@ringcache/cache-core';

import type { WireErrorBody } from './wire';

export type { RemoteCall };

/**
 * Rebuilds the error a peer answered as the cache-core class of its `code`, with the peer's message, so
 * `instanceof`, `code` and `recoverable` survive the hop. A peer that could not reach its own peer
 * (`peer_unavailable`) and answers that are not ours (a proxy's 502, a route missing on an old node) fall
 * back on the HTTP status.
 */
export function remoteError(status: number, body: Buffer, call: RemoteCall): RingcacheError {
  const wire = parseErrorBody(body);
  const message = wire.message ?? `HTTP ${status}: ${snippet(body)}`;
  if (isErrorCode(wire.code)) return rebuildError(wire.code, message, call);
  return byStatus(status, message, call);
}

/** The string `code` and `message` of an answer's JSON body, those it has. */
export function parseErrorBody(body: Buffer): Partial<WireErrorBody> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return {}; // Not JSON: not one of our answers.
  }
  const { code, message } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
    string,
    unknown
  >;
  return {
    code: typeof code === 'string' ? code : undefined,
    message: typeof message === 'string' ? message : undefined,
  };
}

function byStatus(status: number, message: string, call: RemoteCall): RingcacheError {
  if (status === 400) return new InvalidArgumentError(message);
  if (status === 501) return new UnimplementedError(call.operation);
  // A gateway or proxy in front of the peer could not reach it: as good as unreachable.
  if (status === 502 || status === 503 || status === 504) {
    return new PeerUnavailableError(call.peer, call.operation, message);
  }
  return new RingcacheError('internal', `${call.operation} on peer ${call.peer}: ${message}`);
}

function snippet(body: Buffer): string {
  const text = body.subarray(0, 200).toString('utf8').trim();
  return text === '' ? '(empty body)' : text;
}
