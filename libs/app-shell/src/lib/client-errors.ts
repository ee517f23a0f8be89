import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

import { rawAnswer } from './raw-answer';

/** Longest wait for the responses under way on a connection before its error answer goes out anyway. */
const IN_FLIGHT_WAIT_MS = 10_000;
/** Longest wait for a client to take the error answer before its connection is destroyed. */
const ANSWER_DRAIN_MS = 5_000;

/** Sockets whose error answer is decided: node reports each later chunk of a broken stream again. */
const answered = new WeakSet<Socket>();

/**
 * Fastify's `clientErrorHandler` for bytes on a connection that are no HTTP request (a parse error, a
 * header too large, a request timeout). It answers as Fastify's own handler does — 400, 431 or 408 with
 * a JSON body — and closes the connection, with one difference: it waits for the responses to earlier
 * requests on that connection to be written first.
 *
 * Fastify's handler (and node's) writes its answer at once. When a complete request is followed on the
 * same connection by garbage (say, a body longer than its Content-Length), the garbage's 400 went out
 * before the first request's answer, and the socket was destroyed under it. The client read the 400 as
 * the answer to its request, although that request — a DELETE, say — had been carried out. Now the client
 * reads the real answer first, then the 400.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  // No more requests are read from a broken stream.
  socket.pause();
  const answer = () => {
    if (socket.destroyed) return;
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(errorAnswer(error), () => socket.destroy());
    setTimeout(() => socket.destroy(), ANSWER_DRAIN_MS).unref();
  };
  afterInFlight(socket, Date.now() + IN_FLIGHT_WAIT_MS, answer);
}

/**
 * Calls `then`, once, when no response to a whole request is being written on `socket` any more, or at
 * `deadline`. A response whose request has not all arrived is the broken one's own (a request timed out
 * while its body was still coming): it cannot end before the error is answered, so it is not waited for.
 */
function afterInFlight(socket: Socket, deadline: number, then: () => void): void {
  // node's own field for the response now being written on a connection (pipelined ones queue behind it).
  const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (!response || response.writableFinished || !response.req.complete || Date.now() >= deadline) {
    then();
    return;
  }
  // node hands the connection to the next queued response after this event: look again after it.
  const finished = () => {
    clearTimeout(timer);
    setImmediate(() => afterInFlight(socket, deadline, then));
  };
  const timer = setTimeout(() => {
    response.off('finish', finished);
    then();
  }, deadline - Date.now());
  timer.unref();
  response.once('finish', finished);
}

/** The raw HTTP answer Fastify's own handler gives for `error`. */
function errorAnswer(error: NodeJS.ErrnoException): string {
  const [status, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Client Timeout']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Exceeded maximum allowed HTTP header size']
        : [400, 'Client Error'];
  const body = JSON.stringify({ error: STATUS_CODES[status], message, statusCode: status });
  return rawAnswer(status, body, 'application/json');
}
