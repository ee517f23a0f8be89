import { connect, type Socket } from 'node:net';

/** A plain TCP connection to a server under test, for requests written by hand. */
export interface RawConnection {
  socket: Socket;
  /** Everything the server sent so far, as text (empty when the connection does not read). */
  received: () => string;
  /** Resolves once the connection is closed, by either side. */
  closed: Promise<void>;
}

/**
 * Opens a connection to 127.0.0.1:`port` that gathers what the server sends, or with `read: false` reads
 * nothing at all (paused: a client that stops reading). Socket errors (a reset) end it without throwing.
 */
export function rawConnection(port: number, options: { read?: boolean } = {}): RawConnection {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  if (options.read ?? true) socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  else socket.pause();
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => received, closed };
}
