import { Metadata, status } from '@grpc/grpc-js';
import type { ClientDuplexStream, ServiceError } from '@grpc/grpc-js';

import { isErrorCode, PeerUnavailableError, rebuildError, RingcacheError } from '@ringcache/cache-core';
import type { CallOptions, GetManyRequest, RemoteCall } from '@ringcache/cache-core';
import type * as pb from '@ringcache/proto';

type Stream = ClientDuplexStream<pb.GetStreamRequest, pb.GetStreamResponse__Output>;

/** One call waiting for its answer on the stream. */
interface Waiting {
  request: GetManyRequest;
  requestId?: string;
  /** When the call's deadline passes, by performance.now(). */
  deadlineAt: number;
  resolve: (response: pb.GetManyResponse__Output) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

/** Options of a {@link GetStream}. */
export interface GetStreamOptions {
  /** The peer's node name, named in errors. */
  peer: string;
  /** Opens the GetStream call on the peer's channel. */
  open: (metadata: Metadata) => Stream;
  /** Calls wait for the channel to connect (within their deadline) instead of failing at once. */
  waitForReady: boolean;
  /** Sends a call as a unary GetMany: for a peer that does not serve GetStream (an older node). */
  unary: (request: GetManyRequest, options: CallOptions) => Promise<pb.GetManyResponse__Output>;
}

/**
 * GetMany calls to one peer over one long-lived GetStream: each call is a message each way, matched by id,
 * instead of an HTTP/2 stream with its metadata, deadline timer and status trailers. A unary call cost
 * client and server together about four times a stream message (9 keys of 1 KiB, grpc-js, one process).
 *
 * The stream opens on the first call and again on the first call after it ended. Each call keeps its own
 * deadline here (the stream has none): past it, the call fails as a unary call past its deadline does
 * (PeerUnavailableError, DEADLINE_EXCEEDED) and a late answer is dropped. When the stream breaks (the peer
 * went away, the connection dropped), every call on it fails with PeerUnavailableError, as unary calls on
 * that connection would. A peer that answers GetStream UNIMPLEMENTED (a node before GetStream) gets this
 * call and every later one as unary GetMany calls.
 */
export class GetStream {
  private stream?: Stream;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private unsupported = false;
  private closed = false;

  constructor(private readonly o: GetStreamOptions) {}

  call(request: GetManyRequest, options: CallOptions): Promise<pb.GetManyResponse__Output> {
    if (this.unsupported || this.closed) return this.o.unary(request, options);
    const stream = this.stream ?? this.openStream();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.expire(id), options.deadlineMs);
      const deadlineAt = performance.now() + options.deadlineMs;
      this.waiting.set(id, { request, requestId: options.requestId, deadlineAt, resolve, reject, timer });
      stream.write({ id, request, requestId: options.requestId ?? '' });
    });
  }

  /** Ends the stream; calls still waiting fail as unreachable. */
  close(): void {
    this.closed = true;
    const stream = this.stream;
    this.stream = undefined;
    stream?.cancel();
    this.failAll('the client is closed');
  }

  private openStream(): Stream {
    const metadata = new Metadata();
    if (this.o.waitForReady) metadata.setOptions({ waitForReady: true });
    const stream = this.o.open(metadata);
    this.stream = stream;
    stream.on('data', (message: pb.GetStreamResponse__Output) => this.answer(message));
    stream.on('error', (error: ServiceError) => this.broken(stream, error));
    // The peer ended the stream (it is shutting down): the calls on it will not be answered.
    stream.on('end', () => this.broken(stream));
    return stream;
  }

  private answer(message: pb.GetStreamResponse__Output): void {
    const waiting = this.waiting.get(message.id);
    if (!waiting) return; // Its deadline passed: the caller was already told.
    this.waiting.delete(message.id);
    clearTimeout(waiting.timer);
    const code = message.errorCode;
    if (code === '') waiting.resolve(message.response ?? { results: [] });
    else if (isErrorCode(code))
      waiting.reject(rebuildError(code, message.errorMessage, this.context(waiting.request)));
    else
      waiting.reject(
        new RingcacheError(
          'internal',
          `GetMany on peer ${this.o.peer} failed: unknown error code ${JSON.stringify(code)}: ${message.errorMessage}`,
        ),
      );
  }

  private expire(id: number): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    waiting.reject(new PeerUnavailableError(this.o.peer, 'GetMany', 'DEADLINE_EXCEEDED: Deadline exceeded'));
  }

  private broken(stream: Stream, error?: ServiceError): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    if (error?.code === status.UNIMPLEMENTED) {
      // An older node: what waits here goes again as unary calls, within what is left of its deadline.
      this.unsupported = true;
      for (const [id, waiting] of this.waiting) {
        this.waiting.delete(id);
        clearTimeout(waiting.timer);
        const deadlineMs = Math.max(1, waiting.deadlineAt - performance.now());
        this.o
          .unary(waiting.request, { deadlineMs, requestId: waiting.requestId })
          .then(waiting.resolve, waiting.reject);
      }
      return;
    }
    const detail = error
      ? `${status[error.code] ?? error.code}: ${error.details}`
      : 'the peer ended the stream';
    this.failAll(detail);
    if (!error) stream.cancel();
  }

  private failAll(detail: string): void {
    for (const [id, waiting] of this.waiting) {
      this.waiting.delete(id);
      clearTimeout(waiting.timer);
      waiting.reject(new PeerUnavailableError(this.o.peer, 'GetMany', detail));
    }
  }

  private context(request: GetManyRequest): RemoteCall {
    return { peer: this.o.peer, operation: 'GetMany', group: request.group, key: request.keys.join(',') };
  }
}
