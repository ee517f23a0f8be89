import type { Http2Server, Http2SecureServer, ServerHttp2Session } from 'node:http2';

import type { Server } from '@grpc/grpc-js';

/** HTTP/2's own window, which every connection and stream starts with (RFC 9113 §6.9.2). */
const HTTP2_DEFAULT_WINDOW_BYTES = 65_535;
/** The largest window HTTP/2 allows. */
const HTTP2_MAX_WINDOW_BYTES = 2 ** 31 - 1;

/**
 * How many bytes a peer may send on a connection, and on each stream, before it waits to hear that this
 * side has read them (an HTTP/2 flow-control window). HTTP/2's own, 64 KiB, is small for the Calls stream,
 * which carries every data call to a peer: every 32 KiB read costs a WINDOW_UPDATE frame, and a sender
 * that ran out of window waits for it — each a wake-up of a process. A window of one largest message adds
 * no memory past what grpc-js may hold anyway (it keeps a message whole until it decodes it), and lets a
 * whole message go without a wait. `value` when given, else `fallback` within what HTTP/2 allows.
 */
export function flowControlWindow(owner: string, value: number | undefined, fallback: number): number {
  const bytes = value ?? Math.min(Math.max(fallback, HTTP2_DEFAULT_WINDOW_BYTES), HTTP2_MAX_WINDOW_BYTES);
  if (!Number.isSafeInteger(bytes) || bytes < HTTP2_DEFAULT_WINDOW_BYTES || bytes > HTTP2_MAX_WINDOW_BYTES) {
    throw new RangeError(
      `${owner} option flowControlWindowBytes must be an integer from ${HTTP2_DEFAULT_WINDOW_BYTES} to ${HTTP2_MAX_WINDOW_BYTES}, got ${String(value)}`,
    );
  }
  return bytes;
}

/**
 * Gives every connection a grpc-js server accepts from now on a receive window of `bytes`, for the
 * connection and for each of its streams. grpc-js reads `grpc-node.flow_control_window` only on the
 * client side (grpc/grpc-node#3058 would add it to the server), so its HTTP/2 servers are reached here
 * through the field it keeps them in. Returns false, having changed nothing, when that field is not there
 * (another grpc-js): connections then keep HTTP/2's 64 KiB, which is slower, not wrong.
 */
export function raiseServerWindows(server: Server, bytes: number): boolean {
  const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(servers instanceof Map) || servers.size === 0) return false;
  const http2Servers = [...servers.keys()] as (Http2Server | Http2SecureServer)[];
  // All or none: a half-raised server would be told it kept HTTP/2's window.
  if (!http2Servers.every((http2Server) => typeof http2Server?.on === 'function')) return false;
  for (const http2Server of http2Servers) {
    http2Server.on('session', (session: ServerHttp2Session) => raiseSessionWindow(session, bytes));
  }
  return true;
}

function raiseSessionWindow(session: ServerHttp2Session, bytes: number): void {
  try {
    // The connection's window now, and each stream's, in the SETTINGS this side sends next.
    session.setLocalWindowSize(bytes);
    session.settings({ initialWindowSize: bytes });
  } catch {
    // The connection closed before it could be told: nothing is left to raise.
  }
}
