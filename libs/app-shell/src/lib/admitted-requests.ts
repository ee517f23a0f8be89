import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

import type { InFlightLimiter } from '@ringcache/cache-core';

/**
 * Holds a slot of `limiter` for each admitted request until its response closes, or its connection does:
 * returns what to call with a request just admitted (after `limiter.tryAcquire()`).
 *
 * The connection's close is needed too. Requests a client sends at once on one connection (pipelined)
 * are answered in order, each later response queued behind the one before; when the connection drops,
 * node:http closes the response in front and leaves the queued ones as they are, so they never emit
 * 'close'. Released by that event alone, their slots would be held for good, and a client that sends a
 * few thousand requests at once and hangs up, a few times over, would leave every later request refused.
 *
 * Each connection counts its admitted requests not yet released. A response's close releases one while
 * its connection is counted; the connection's close releases what is left and ends the count, so a response
 * closed after it (node:http closes the one in front then) releases nothing: every slot goes back once.
 * One listener a connection and one a response, both shared functions.
 */
export function admittedRequests(
  limiter: InFlightLimiter,
): (request: IncomingMessage, response: ServerResponse) => void {
  /** How many admitted requests of each open connection are not yet released. */
  const open = new Map<Socket, { held: number }>();

  function responseClosed(this: ServerResponse): void {
    const connection = open.get(this.req.socket);
    if (connection && connection.held > 0) {
      connection.held--;
      limiter.release();
    }
  }

  function connectionClosed(this: Socket): void {
    const connection = open.get(this);
    open.delete(this);
    for (let held = connection?.held ?? 0; held > 0; held--) limiter.release();
  }

  return (request, response) => {
    const socket = request.socket;
    let connection = open.get(socket);
    if (!connection) {
      connection = { held: 0 };
      open.set(socket, connection);
      socket.once('close', connectionClosed);
    }
    connection.held++;
    response.on('close', responseClosed);
  };
}
