import {
  InvalidArgumentError,
  KeyTooLongError,
  LoadError,
  LoadTimeoutError,
  PeerUnavailableError,
  RingcacheError,
  UnavailableError,
  UnimplementedError,
  UnknownGroupError,
  ValueTooLargeError,
} from '@ringcache/cache-core';

import type { WireErrorBody } from './wire';

/** Which call got an error answer, for rebuilding it. */
export interface RemoteCall {
  /** The peer's node name. */
  peer: string;
  /** 'Get', 'GetMany', 'Set', 'Delete', 'Flush' or 'Expire'. */
  operation: string;
  /** The group; '' for Expire, whose keys may span groups. */
  group: string;
  /** The key, when the call had one. */
  key?: string;
}

/**
 * Rebuilds the error a peer answered as the cache-core class of its `code`, with the peer's message, so
 * `instanceof`, `code` and `recoverable` survive the hop. A peer that could not reach its own peer
 * (`peer_unavailable`) and answers that are not ours (a proxy's 502, a route missing on an old node) fall
 * back on the HTTP status.
 */
export function remoteError(status: number, body: Buffer, call: RemoteCall): RingcacheError {
  const wire = parseErrorBody(body);
  const message = wire.message ?? `HTTP ${status}: ${snippet(body)}`;
  const { peer, operation, group } = call;
  const key = call.key ?? '';
  switch (wire.code) {
    case 'invalid_argument':
      return new InvalidArgumentError(message);
    case 'key_too_long':
      return withMessage(new KeyTooLongError(0, 0), message);
    case 'value_too_large':
      return withMessage(new ValueTooLargeError(0, 0), message);
    case 'unknown_group':
      return withMessage(new UnknownGroupError(group), message);
    case 'peer_unavailable':
      return new PeerUnavailableError(peer, operation, message);
    case 'load_failed':
      return withMessage(new LoadError(group, key, { cause: undefined }), message);
    case 'load_timeout':
      return withMessage(new LoadTimeoutError(group, key, 0), message);
    case 'unavailable':
      return new UnavailableError(message);
    case 'unimplemented':
      return withMessage(new UnimplementedError(operation), message);
    case 'internal':
      return new RingcacheError('internal', message);
  }
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

/**
 * The classes build their messages from parts (sizes, limits) that the wire does not carry; the peer's
 * message is the true one. V8 formats `stack` lazily, so it shows the new message too.
 */
function withMessage<E extends Error>(error: E, message: string): E {
  error.message = message;
  return error;
}

function snippet(body: Buffer): string {
  const text = body.subarray(0, 200).toString('utf8').trim();
  return text === '' ? '(empty body)' : text;
}
