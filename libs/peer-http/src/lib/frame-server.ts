import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import {
  InvalidArgumentError,
  OverloadedError,
  type InFlightLimiter,
  type RequestLog,
} from '@ringcache/cache-core';

import {
  decodeRequest,
  encodeResponseHead,
  FRAMES_PATH,
  FRAMES_PROTOCOL,
  FrameReader,
  writeFrame,
  type FrameWriter,
  type RequestFrame,
} from './frame-codec';
import { httpErrorOf } from './http-errors';
import { errorAnswer, type PeerAnswer } from './peer-http-answers';
import type { PeerHttpFastPath } from './peer-http-fast-path';

/** Options of a {@link PeerFrameServer}. */
export interface PeerFrameServerOptions {
  /** Answers each request: a frame is served exactly as the same request over HTTP would be. */
  fastPath: PeerHttpFastPath;
  /** The bound of the node's requests, HTTP and gRPC alike; a frame past it is answered 503 `overloaded`. */
  inFlight?: InFlightLimiter;
  /** Largest body a frame may carry, in bytes; a larger frame closes its connection. Default 16 MiB. */
  maxBodyBytes?: number;
}

/** Answers not yet read by a connection's client, past which it is cut off (it reads too slowly). */
const MAX_UNREAD_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const SWITCHING = `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${FRAMES_PROTOCOL}\r\n\r\n`;

/** One framed connection. */
interface Connection extends FrameWriter {
  /** Requests read and not answered yet. */
  open: number;
  /** The client has sent its last request: the connection ends once they are answered. */
  ended: boolean;
}

/**
 * The server side of the framed HTTP peer protocol (frame-codec.ts) on a node's HTTP server: a client's
 * `GET /_ringcache/:frames` with `Upgrade: ringcache-frames/1` turns its connection into one that carries
 * many requests at once, each answered as the fast path answers it over HTTP, in whatever order the answers
 * are ready. A request the fast path does not serve is answered 400. A frame that breaks the format, or a
 * client that does not read its answers, loses its connection. Each request counts against the node's
 * in-flight bound and is logged like an HTTP request (`FRAMES <path>`).
 */
export class PeerFrameServer {
  /** Requests read from frames since start. */
  served = 0;
  private readonly connections = new Set<Connection>();
  private readonly maxBodyBytes: number;
  private closing = false;

  constructor(private readonly o: PeerFrameServerOptions) {
    this.maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  /**
   * Takes an upgrade request of the server (its `upgrade` event): true when it was for this protocol (the
   * connection is now this server's), false, having touched nothing, for any other.
   */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, log?: RequestLog): boolean {
    if (request.url !== FRAMES_PATH || request.method !== 'GET') return false;
    if (request.headers.upgrade !== FRAMES_PROTOCOL || this.closing) {
      const reason = this.closing ? 'the node is shutting down' : `Upgrade must be ${FRAMES_PROTOCOL}`;
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`,
      );
      return true;
    }
    socket.write(SWITCHING);
    // node:http's timeouts are for HTTP requests; a framed connection is idle between calls, and that is fine.
    if ('setTimeout' in socket) (socket as Duplex & { setTimeout(ms: number): void }).setTimeout(0);
    const connection: Connection = { socket, open: 0, corked: false, ended: false };
    this.connections.add(connection);
    const reader = new FrameReader(this.maxBodyBytes, (frame) => this.serve(connection, frame, log));
    const read = (chunk: Buffer): void => {
      try {
        reader.push(chunk);
      } catch {
        socket.destroy();
      }
    };
    socket.on('data', read);
    socket.on('error', () => socket.destroy());
    // node:http's connections stay half open when the client ends its side: end this one once it is answered.
    socket.on('end', () => {
      connection.ended = true;
      if (connection.open === 0) socket.end();
    });
    socket.on('close', () => this.connections.delete(connection));
    if (head.byteLength > 0) read(head);
    return true;
  }

  /** Connections open now. */
  get size(): number {
    return this.connections.size;
  }

  /**
   * Takes no new connection, and ends each open one once its requests are answered (or at once when it has
   * none): a node closing its server calls this first, since upgraded connections would hold it open.
   */
  close(): void {
    this.closing = true;
    for (const connection of this.connections) if (connection.open === 0) connection.socket.end();
  }

  private serve(connection: Connection, bytes: Buffer, log?: RequestLog): void {
    const frame = decodeRequest(bytes);
    this.served++;
    const started = performance.now();
    const { inFlight } = this.o;
    if (inFlight && !inFlight.tryAcquire()) {
      const shed = errorAnswer(httpErrorOf(new OverloadedError(inFlight.describe())));
      this.send(connection, frame.id, { ...shed, headers: { ...shed.headers, 'retry-after': '1' } });
      return;
    }
    const served = this.o.fastPath.answer(
      { method: frame.method, url: frame.path, headers: frame.headers },
      frame.body,
    );
    const answer = served?.answer ?? Promise.resolve(notServed(frame));
    connection.open++;
    void answer.then((answer) => {
      inFlight?.release();
      connection.open--;
      this.send(connection, frame.id, answer);
      const { method, path } = frame;
      const reqId = served?.requestId ?? '';
      log?.({ reqId, method, url: path, status: answer.status, ms: performance.now() - started });
      if ((this.closing || connection.ended) && connection.open === 0) connection.socket.end();
    });
  }

  private send(connection: Connection, id: number, answer: PeerAnswer): void {
    const { socket } = connection;
    if (socket.destroyed || !socket.writable) return;
    if (socket.writableLength > MAX_UNREAD_BYTES) return void socket.destroy();
    const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
    const head = encodeResponseHead({ id, status: answer.status, headers: answer.headers }, body.byteLength);
    writeFrame(connection, head, body);
  }
}

/** The answer to a request this protocol does not carry (only the fast path's requests are framed). */
function notServed(frame: RequestFrame): PeerAnswer {
  const message = `${frame.method} ${frame.path} is not served over frames`;
  return errorAnswer(httpErrorOf(new InvalidArgumentError(message)));
}
