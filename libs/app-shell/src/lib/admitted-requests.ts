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
 * One listener a connection and one a response, both shared functions; a response is released once,
 * whichever close comes first.
 */
export function admittedRequests(
  limiter: InFlightLimiter,
): (request: IncomingMessage, response: ServerResponse) => void {
  /** The admitted responses of each open connection not yet released. */
  const open = new Map<Socket, Set<ServerResponse>>();

  function responseClosed(this: ServerResponse): void {
    if (open.get(this.req.socket)?.delete(this)) limiter.release();
  }

  function connectionClosed(this: Socket): void {
    const responses = open.get(this);
    open.delete(this);
    for (let left = responses?.size ?? 0; left > 0; left--) limiter.release();
  }

  return (request, response) => {
    const socket = request.socket;
    let responses = open.get(socket);
    if (!responses) {
      responses = new Set();
      open.set(socket, responses);
      socket.once('close', connectionClosed);
    }
    responses.add(response);
    response.on('close', responseClosed);
  };
}
