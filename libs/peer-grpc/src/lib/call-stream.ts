import { Metadata, status } from '@grpc/grpc-js';
import type { ClientDuplexStream, ServiceError } from '@grpc/grpc-js';

import {
  deadlineTimer,
  isErrorCode,
  PeerUnavailableError,
  rebuildError,
  RingcacheError,
} from '@ringcache/cache-core';
import type { CallOptions } from '@ringcache/cache-core';
import type * as pb from '@ringcache/proto';

import { callMessageBytes, MessagePacker, PACKS_HEADER } from './message-packer';
import { callTarget, OPERATION, type StreamCall, type StreamCalls } from './stream-calls';

type Stream = ClientDuplexStream<pb.CallRequest, pb.CallResponse__Output>;
type Answer = StreamCalls[StreamCall][1];
/** A call as the stream sends it: its id, request id, and request under its name. */
type CallMessage = { id: number; requestId: string } & Partial<Record<StreamCall, object>>;

/** One call waiting for its answer on the stream. */
interface Waiting {
  kind: StreamCall;
  request: StreamCalls[StreamCall][0];
  requestId?: string;
  /** When the call's deadline passes, by performance.now(). */
  deadlineAt: number;
  resolve: (answer: Answer) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

/** Options of a {@link CallStream}. */
export interface CallStreamOptions {
  /** The peer's node name, named in errors. */
  peer: string;
  /** Opens the Calls stream on the peer's channel. */
  open: (metadata: Metadata) => Stream;
  /** Calls wait for the channel to connect (within their deadline) instead of failing at once. */
  waitForReady: boolean;
  /** Sends a call as its unary method: for a peer that does not serve Calls (an older node). */
  unary: <K extends StreamCall>(
    kind: K,
    request: StreamCalls[K][0],
    options: CallOptions,
  ) => Promise<StreamCalls[K][1]>;
}

/**
 * The data calls to one peer (Get, GetMany, Set, SetMany, Delete, DeleteMany) over one long-lived Calls
 * stream: each call is a message each way, matched by id, instead of an HTTP/2 stream with its metadata,
 * deadline timer and status trailers. A unary call cost client and server together about four times a
 * stream message (GetMany of 9 keys of 1 KiB, grpc-js, one process).
 *
 * The stream opens on the first call and again on the first call after it ended. Each call keeps its own
 * deadline here (the stream has none): past it — once the input of that turn of the event loop is read, so
 * an answer that came in time while this process was busy is still taken (deadlineTimer) — the call fails
 * as a unary call past its deadline does (PeerUnavailableError, DEADLINE_EXCEEDED) and a late answer is
 * dropped. An error the peer answers is rebuilt into the class a unary call's status gives, naming the same
 * operation, group and key. When the stream breaks (the peer went away, the connection dropped), every call
 * on it fails with PeerUnavailableError, as unary calls on that connection would. A peer that answers Calls
 * UNIMPLEMENTED (a node before it) gets this call and every later one as unary calls.
 */
export class CallStream {
  private stream?: Stream;
  private packer?: MessagePacker<CallMessage>;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private unsupported = false;
  private closed = false;

  constructor(private readonly o: CallStreamOptions) {}

  call<K extends StreamCall>(
    kind: K,
    request: StreamCalls[K][0],
    options: CallOptions,
  ): Promise<StreamCalls[K][1]> {
    if (this.unsupported || this.closed) return this.o.unary(kind, request, options);
    const packer = (this.stream && this.packer) || this.openStream();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = deadlineTimer(options.deadlineMs, () => this.expire(id));
      const deadlineAt = performance.now() + options.deadlineMs;
      const requestId = options.requestId;
      this.waiting.set(id, {
        kind,
        request,
        requestId,
        deadlineAt,
        resolve: resolve as never,
        reject,
        timer,
      });
      packer.write({ id, requestId: requestId ?? '', [kind]: request });
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

  /** Opens the stream; its packer, which packs calls once the peer's headers say it reads packs. */
  private openStream(): MessagePacker<CallMessage> {
    const metadata = new Metadata();
    metadata.set(PACKS_HEADER, '1');
    if (this.o.waitForReady) metadata.setOptions({ waitForReady: true });
    const stream = this.o.open(metadata);
    const packer = new MessagePacker<CallMessage>(stream, callMessageBytes);
    this.stream = stream;
    this.packer = packer;
    stream.on('metadata', (headers: Metadata) => {
      packer.packing = headers.get(PACKS_HEADER)[0] === '1';
    });
    stream.on('data', (message: pb.CallResponse__Output) => {
      this.answer(message);
      // Answers packed with this one (a pack carries no packs of its own).
      for (const more of message.more) this.answer(more);
    });
    stream.on('error', (error: ServiceError) => this.broken(stream, error));
    // The peer ended the stream (it is shutting down): the calls on it will not be answered.
    stream.on('end', () => this.broken(stream));
    return packer;
  }

  private answer(message: pb.CallResponse__Output): void {
    const waiting = this.waiting.get(message.id);
    if (!waiting) return; // Its deadline passed: the caller was already told.
    this.waiting.delete(message.id);
    clearTimeout(waiting.timer);
    const { kind } = waiting;
    const code = message.errorCode;
    const answer = message[kind];
    if (code === '' && message.answer === kind && answer) waiting.resolve(answer);
    else if (isErrorCode(code)) {
      const context = { peer: this.o.peer, operation: OPERATION[kind], ...callTarget(kind, waiting.request) };
      waiting.reject(rebuildError(code, message.errorMessage, context));
    } else {
      const problem =
        code === ''
          ? `malformed answer: ${message.answer ?? 'no answer'} to a ${OPERATION[kind]}`
          : `unknown error code ${JSON.stringify(code)}: ${message.errorMessage}`;
      waiting.reject(
        new RingcacheError('internal', `${OPERATION[kind]} on peer ${this.o.peer} failed: ${problem}`),
      );
    }
  }

  private expire(id: number): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    const operation = OPERATION[waiting.kind];
    waiting.reject(new PeerUnavailableError(this.o.peer, operation, 'DEADLINE_EXCEEDED: Deadline exceeded'));
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
          .unary(waiting.kind, waiting.request, { deadlineMs, requestId: waiting.requestId })
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
      waiting.reject(new PeerUnavailableError(this.o.peer, OPERATION[waiting.kind], detail));
    }
  }
}
