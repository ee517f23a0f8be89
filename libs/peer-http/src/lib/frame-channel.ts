import type { Agent, ClientRequest, IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';

import { deadlineTimer, PeerUnavailableError } from '@ringcache/cache-core';
import type { TlsMaterial } from '@ringcache/tls';

import {
  decodeResponse,
  encodeRequestHead,
  FRAMES_PATH,
  FRAMES_PROTOCOL,
  FrameReader,
  writeFrame,
  type FrameMethod,
  type FrameWriter,
} from './frame-codec';
import type { Answer } from './http-exchange';
import { peerAgent, requestThrough } from './peer-agent';

/** Options of a {@link FrameChannel}. */
export interface FrameChannelOptions {
  /** The peer's node name, for errors. */
  peer: string;
  host: string;
  port: number;
  /** Mutual TLS: the upgrade goes over https, presenting this certificate. Default plaintext. */
  tls?: TlsMaterial;
  /** Largest answer body taken, in bytes; a larger frame breaks the connection. Default 16 MiB. */
  maxBodyBytes?: number;
  /**
   * Requests written and not yet taken by the peer past which calls go over HTTP instead, until the
   * connection drains: large batches to a busy peer queue in the agent, not in one socket. Default 64 MiB.
   */
  maxUnsentBytes?: number;
}

/** One request to send as a frame. */
export interface FramedRequest {
  /** The protocol operation, for errors. */
  operation: string;
  method: FrameMethod;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The answer must come within this, or the call fails (PeerUnavailableError) and a late answer is dropped. */
  deadlineMs: number;
}

/** One call waiting for its answer. */
interface Waiting {
  operation: string;
  resolve: (answer: Answer) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

const EMPTY = Buffer.alloc(0);
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Longest wait for the upgrade's answer. */
const CONNECT_TIMEOUT_MS = 5_000;
/** After a connection failed or dropped: calls go over HTTP for this long before connecting again. */
const RETRY_MS = 1_000;
/** After a peer answered the upgrade with something else (it does not speak frames): over HTTP this long. */
const REFUSED_RETRY_MS = 60_000;
const MAX_ID = 0xffffffff;
const DEFAULT_MAX_UNSENT_BYTES = 64 * 1024 * 1024;

/**
 * The framed form of the HTTP peer protocol to one peer (frame-codec.ts): one connection, upgraded from
 * HTTP/1.1 on the peer's HTTP port, that carries every data call at once, each a frame each way matched by
 * id — instead of an HTTP request per call, one at a time per connection, with its headers to write and parse.
 * The requests of one turn go out in one write.
 *
 * `send` answers undefined while there is no connection: the caller sends that call over HTTP, and the first
 * such call starts connecting in the background (again RETRY_MS after a failure; REFUSED_RETRY_MS after a
 * peer that refused the upgrade, an older node say). Each call keeps its own deadline; past it the call fails
 * with PeerUnavailableError, as an HTTP exchange past its deadline does — unless its answer is read in the
 * same turn of the event loop. When the connection breaks, every call on it fails with PeerUnavailableError,
 * so the caller may try the next owner.
 */
export class FrameChannel {
  /** The framed connection, once up. */
  private link?: FrameWriter;
  private connecting?: ClientRequest;
  private retryAt = 0;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private closed = false;
  /** Told how the connection attempt under way ends: up (true) or not (false). */
  private readonly settled: ((up: boolean) => void)[] = [];
  private readonly agent: Agent;
  private readonly maxBodyBytes: number;
  private readonly maxUnsentBytes: number;

  constructor(private readonly o: FrameChannelOptions) {
    this.agent = peerAgent('FrameChannel', { maxSockets: 1, keepAlive: false, tls: o.tls });
    this.maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.maxUnsentBytes = o.maxUnsentBytes ?? DEFAULT_MAX_UNSENT_BYTES;
  }

  /**
   * Connects if there is no connection and none is due to wait (as a call would), and resolves true once the
   * connection is up, false when this attempt failed or none may be made now. Calls never wait for this.
   */
  ready(): Promise<boolean> {
    if (this.link) return Promise.resolve(true);
    this.connect();
    if (!this.connecting) return Promise.resolve(false);
    return new Promise((resolve) => this.settled.push(resolve));
  }

  /**
   * The call's answer over the framed connection; undefined when there is none, or it is backed up past
   * `maxUnsentBytes` (send it over HTTP).
   */
  send(request: FramedRequest): Promise<Answer> | undefined {
    const link = this.link;
    if (!link) {
      this.connect();
      return undefined;
    }
    const { socket } = link;
    // Ending (its 'close' fails the calls on it), or backed up: this call goes over HTTP meanwhile.
    if (!socket.writable || socket.writableLength > this.maxUnsentBytes) return undefined;
    const id = this.nextId;
    this.nextId = id === MAX_ID ? 1 : id + 1;
    const body = request.body ?? EMPTY;
    const head = encodeRequestHead(
      { id, method: request.method, path: request.path, headers: request.headers },
      body.byteLength,
    );
    return new Promise<Answer>((resolve, reject) => {
      const timer = deadlineTimer(request.deadlineMs, () => {
        if (this.waiting.get(id)?.timer !== timer) return;
        this.waiting.delete(id);
        reject(this.unavailable(request.operation, `no answer within ${request.deadlineMs} ms`));
      });
      this.waiting.set(id, { operation: request.operation, resolve, reject, timer });
      writeFrame(link, head, body);
    });
  }

  /** Closes the connection for good; calls waiting on it fail with PeerUnavailableError. */
  close(): void {
    this.closed = true;
    this.connecting?.destroy();
    this.tellSettled(false);
    this.link?.socket.destroy();
    this.failAll('client is closed');
    this.agent.destroy();
  }

  private connect(): void {
    if (this.closed || this.connecting || performance.now() < this.retryAt) return;
    const { host, port } = this.o;
    const request = requestThrough(this.agent)({
      agent: this.agent,
      host,
      port,
      path: FRAMES_PATH,
      headers: { connection: 'Upgrade', upgrade: FRAMES_PROTOCOL },
    });
    this.connecting = request;
    const settle = (retryMs: number): void => {
      clearTimeout(timer);
      if (this.connecting === request) this.connecting = undefined;
      this.retryAt = performance.now() + retryMs;
      this.tellSettled(this.link !== undefined);
    };
    const timer = setTimeout(() => request.destroy(), CONNECT_TIMEOUT_MS);
    request.on('upgrade', (response, socket: Duplex, head: Buffer) => {
      const accepted = !this.closed && response.headers.upgrade === FRAMES_PROTOCOL;
      if (accepted) this.attach(socket, head);
      else socket.destroy();
      settle(accepted ? 0 : REFUSED_RETRY_MS);
    });
    request.on('response', (response) => {
      response.resume();
      settle(REFUSED_RETRY_MS);
    });
    request.on('error', () => settle(RETRY_MS));
    request.end();
  }

  private attach(socket: Duplex, head: Buffer): void {
    const link = { socket, corked: false };
    this.link = link;
    const reader = new FrameReader(this.maxBodyBytes, (frame) => this.answered(frame));
    const read = (chunk: Buffer): void => {
      try {
        reader.push(chunk);
      } catch (error) {
        socket.destroy(error as Error);
      }
    };
    let reason = 'connection closed before the answer';
    socket.on('data', read);
    socket.on('error', (error) => (reason = `connection broken: ${error.message}`));
    socket.on('close', () => {
      if (this.link === link) this.link = undefined;
      this.retryAt = performance.now() + RETRY_MS;
      this.failAll(reason);
    });
    if (head.byteLength > 0) read(head);
  }

  private answered(bytes: Buffer): void {
    const frame = decodeResponse(bytes);
    const waiting = this.waiting.get(frame.id);
    // An answer after its call's deadline: the call has failed already.
    if (!waiting) return;
    this.waiting.delete(frame.id);
    clearTimeout(waiting.timer);
    // A small body is copied rather than kept as a view of the read, which other answers share.
    const body =
      frame.body.byteLength * 2 < frame.body.buffer.byteLength ? Buffer.from(frame.body) : frame.body;
    waiting.resolve({ status: frame.status, headers: frame.headers as IncomingHttpHeaders, body });
  }

  private tellSettled(up: boolean): void {
    for (const tell of this.settled.splice(0)) tell(up);
  }

  private failAll(reason: string): void {
    for (const [id, waiting] of this.waiting) {
      this.waiting.delete(id);
      clearTimeout(waiting.timer);
      waiting.reject(this.unavailable(waiting.operation, reason));
    }
  }

  private unavailable(operation: string, reason: string): PeerUnavailableError {
    return new PeerUnavailableError(this.o.peer, operation, reason);
  }
}
