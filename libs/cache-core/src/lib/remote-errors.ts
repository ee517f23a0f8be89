import {
  InvalidArgumentError,
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
  type ErrorCode,
} from './errors';

/** Which call got an error answer: enough to rebuild the error on the caller's side. */
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

type Rebuild = (call: RemoteCall, message: string, cause: unknown) => RingcacheError;

/**
 * One constructor per code, so an error crosses a hop as the same class, with the same `code` and
 * `recoverable`. Several classes build their message from facts the wire does not carry (byte counts,
 * limits); {@link rebuildError} puts the peer's own message in afterwards.
 */
const REBUILD: Readonly<Record<ErrorCode, Rebuild>> = {
  invalid_argument: (_c, m) => new InvalidArgumentError(m),
  key_too_long: () => new KeyTooLongError(0, 0),
  value_too_large: () => new ValueTooLargeError(0, 0),
  unknown_group: (c) => new UnknownGroupError(c.group),
  peer_unavailable: (c, m, cause) => new PeerUnavailableError(c.peer, c.operation, m, { cause }),
  load_failed: (c, _m, cause) => new LoadError(c.group, c.key ?? '', { cause }),
  load_timeout: (c) => new LoadTimeoutError(c.group, c.key ?? '', 0),
  unavailable: (_c, m, cause) => new UnavailableError(m, { cause }),
  unimplemented: (c) => new UnimplementedError(c.operation),
  overloaded: (_c, m) => new OverloadedError(m),
  internal: (_c, m, cause) => new RingcacheError('internal', m, false, { cause }),
};

/** True when `code` (from the wire, so any value) is an error code this build knows. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(REBUILD, code);
}

/**
 * The error a peer reported, as the cache-core class of its `code` with the peer's `message`: both codecs,
 * and the per-key errors of a GetMany, rebuild errors here, so `instanceof`, `code` and `recoverable` are
 * the same whatever the transport.
 */
export function rebuildError(
  code: ErrorCode,
  message: string,
  call: RemoteCall,
  cause?: unknown,
): RingcacheError {
  const error = REBUILD[code](call, message, cause);
  // V8 formats `stack` lazily, so it shows the new message too.
  error.message = message;
  return error;
}
