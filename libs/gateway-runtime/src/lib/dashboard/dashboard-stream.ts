import { REQUEST_ID_HEADER } from '@ringcache/cache-core';

import { sendJson, type JsonSink } from '../json-answer';

/** A change in the cluster worth listing: a node joined or left the ring, a group was flushed. */
export interface ClusterEvent {
  /** ms since the epoch. */
  t: number;
  kind: 'joined' | 'left' | 'flush';
  /** The node that joined or left; for a flush, none. */
  node?: string;
  /** The group flushed. */
  group?: string;
}

/** What a stream writes to: a node:http ServerResponse. */
export interface EventSink extends JsonSink {
  /** Bytes written and not yet taken by the socket. */
  readonly writableLength: number;
  write(text: string): unknown;
  end(text?: string): unknown;
  destroy(): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/** Unread bytes a page may leave queued before its stream is dropped, by default: 1 MiB. */
export const MAX_UNREAD_BYTES = 1024 * 1024;

/** Streams open at once, by default (`gateway.maxEventStreams`). */
export const MAX_STREAMS = 64;

/** Options of a {@link DashboardStream}. */
export interface DashboardStreamOptions {
  /** Events kept for pages that connect later. Default 100. */
  maxEvents?: number;
  /** A comment line this often keeps idle streams open through proxies, in ms. Default 15,000. */
  heartbeatMs?: number;
  /** Bytes queued for a page that does not read them, past which its stream is dropped. Default 1 MiB. */
  maxUnreadBytes?: number;
  /** Streams open at once; one more is refused, 503 `overloaded`, until one closes. Default 64. */
  maxStreams?: number;
}

/**
 * The dashboard's live feed: Server-Sent Events to every open page, and the last cluster events (a bounded
 * list) for pages that open later. Streams end with `close()` (at shutdown, before the server closes: an
 * open stream would hold it open), or when the page goes away. A page that stops reading (a stalled tab, a
 * client that never reads) is dropped once more than `maxUnreadBytes` wait for it, instead of growing this
 * process's memory by every sample; the dashboard page connects again when its read ends. At most
 * `maxStreams` are open at once: each holds a connection and up to `maxUnreadBytes`, and none is counted
 * against the gateway's in-flight bound, so without one many clients could hold memory without limit.
 */
export class DashboardStream {
  private readonly maxEvents: number;
  private readonly heartbeatMs: number;
  private readonly maxUnreadBytes: number;
  private readonly maxStreams: number;
  private readonly streams = new Set<EventSink>();
  private readonly recent: ClusterEvent[] = [];
  private heartbeat?: NodeJS.Timeout;
  private closed = false;

  constructor(options: DashboardStreamOptions = {}) {
    this.maxEvents = options.maxEvents ?? 100;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.maxUnreadBytes = options.maxUnreadBytes ?? MAX_UNREAD_BYTES;
    this.maxStreams = options.maxStreams ?? MAX_STREAMS;
    for (const [name, value] of [
      ['maxEvents', this.maxEvents],
      ['maxUnreadBytes', this.maxUnreadBytes],
      ['maxStreams', this.maxStreams],
    ] as const)
      if (!Number.isSafeInteger(value) || value < 1)
        throw new RangeError(`DashboardStream option ${name} must be a positive integer, got ${value}`);
  }

  /** Open streams. */
  get size(): number {
    return this.streams.size;
  }

  /** The events kept, oldest first. */
  events(): ClusterEvent[] {
    return this.recent.slice();
  }

  /** Keeps `event` and sends it to every page. */
  record(event: ClusterEvent): void {
    this.recent.push(event);
    if (this.recent.length > this.maxEvents) this.recent.splice(0, this.recent.length - this.maxEvents);
    this.send('cluster', event);
  }

  /**
   * Answers `response`, with `requestId` as every gateway answer, with an event stream that stays open; with
   * 503 `unavailable` when the gateway is shutting down, or with 503 `overloaded` (`Retry-After: 2`, the
   * page's own retry) while `maxStreams` are open.
   */
  open(response: EventSink, requestId: string): void {
    if (this.closed) {
      const body = { code: 'unavailable', message: 'the gateway is shutting down' };
      sendJson(response, requestId, 503, JSON.stringify(body));
      return;
    }
    if (this.streams.size >= this.maxStreams) {
      const message = `${this.maxStreams} event streams are open, the most this gateway serves (gateway.maxEventStreams)`;
      sendJson(response, requestId, 503, JSON.stringify({ code: 'overloaded', message }), {
        'retry-after': 2,
      });
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      [REQUEST_ID_HEADER]: requestId,
    });
    response.write('retry: 2000\n\n');
    this.streams.add(response);
    response.once('close', () => {
      this.streams.delete(response);
      if (this.streams.size === 0) this.stopHeartbeat();
    });
    this.heartbeat ??= setInterval(() => this.write(': keep-alive\n\n'), this.heartbeatMs).unref();
  }

  /** Sends `data` as JSON under the event name `event` to every open stream. */
  send(event: string, data: unknown): void {
    if (this.streams.size > 0) this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Ends every stream and refuses new ones. */
  close(): void {
    this.closed = true;
    this.stopHeartbeat();
    for (const response of this.streams) response.end();
    this.streams.clear();
  }

  /** Writes `text` to every stream; a stream with more than maxUnreadBytes still unread is dropped. */
  private write(text: string): void {
    for (const response of this.streams) {
      if (response.writableLength > this.maxUnreadBytes) {
        this.streams.delete(response);
        response.destroy();
      } else response.write(text);
    }
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
