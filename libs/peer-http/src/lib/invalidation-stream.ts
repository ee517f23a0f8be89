import type { Agent, ClientRequest } from 'node:http';

import type { Invalidation } from '@ringcache/cache-core';
import type { TlsMaterial } from '@ringcache/tls';

import { peerAgent, requestThrough } from './peer-agent';

import { INVALIDATIONS, PATH_PREFIX, STREAM_HEARTBEAT_MS } from './wire';

/** State of an {@link InvalidationStream}. */
export type StreamState = 'connecting' | 'connected' | 'disconnected' | 'stopped';

/** Options of an {@link InvalidationStream}. */
export interface InvalidationStreamOptions {
  /** The node's name, for logs. */
  name: string;
  /** `host:port` of the node's HTTP endpoint. */
  address: string;
  /** Called with each invalidation the node announces. */
  onEvent: (event: Invalidation) => void;
  /** Called on every state change; events may have been missed between `disconnected` and `connected`. */
  onState: (state: StreamState) => void;
  /** Silence after which the stream is taken for dead (the node pings every 5 s). Default 3 pings. */
  idleTimeoutMs?: number;
  /** Mutual TLS: https to the node, presenting this certificate. Default none: plaintext HTTP. */
  tls?: TlsMaterial;
}

const MAX_RETRY_MS = 2_000;
/** Longest line taken: an event carries a group and a key (at most 1,024 bytes each) and little else. */
const MAX_LINE_CHARS = 64 * 1024;

/**
 * A subscription to one node's invalidations (`GET /_ringcache/:invalidations`), kept open: it reconnects
 * with backoff when the connection drops or falls silent, and reports every state change so the near
 * cache can stop serving while it might miss events.
 */
export class InvalidationStream {
  private request?: ClientRequest;
  private state_: StreamState = 'disconnected';
  private retryMs = 100;
  private retryTimer?: NodeJS.Timeout;
  private idleTimer?: NodeJS.Timeout;
  private readonly idleTimeoutMs: number;
  /** One connection, never reused: each reconnection opens a new one (with the current certificate). */
  private readonly agent: Agent;

  constructor(private readonly options: InvalidationStreamOptions) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 3 * STREAM_HEARTBEAT_MS;
    this.agent = peerAgent('InvalidationStream', { maxSockets: 1, keepAlive: false, tls: options.tls });
  }

  get state(): StreamState {
    return this.state_;
  }

  /** Connects (and keeps reconnecting until stopped). */
  start(): void {
    if (this.state_ === 'stopped' || this.request) return;
    this.setState('connecting');
    const [host, port] = splitAddress(this.options.address);
    const path = `${PATH_PREFIX}:${INVALIDATIONS}`;
    const request = requestThrough(this.agent)({ host, port, path, agent: this.agent });
    request.end();
    this.request = request;
    // Every handler checks it still serves the current request: a dropped connection's late events
    // (its last lines, its 'end') must not act on the next one.
    const current = () => this.request === request;
    request.on('response', (res) => {
      if (!current()) return void res.resume();
      if (res.statusCode !== 200) {
        res.resume();
        this.retry();
        return;
      }
      let rest = '';
      this.touch();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (!current()) return;
        this.touch();
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        // No event is this long: a line that never ends is a broken stream, not something to buffer.
        if (rest.length > MAX_LINE_CHARS) return this.retry();
        for (const line of lines) if (!current() || !this.line(line)) return;
      });
      res.on('end', () => current() && this.retry());
      res.on('error', () => current() && this.retry());
    });
    request.on('error', () => current() && this.retry());
  }

  /** Closes the subscription for good. */
  stop(): void {
    this.setState('stopped');
    clearTimeout(this.retryTimer);
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.request?.destroy();
    this.request = undefined;
    this.agent.destroy();
  }

  /**
   * Applies one line; false when it is garbage. A stream that says something it should not cannot be
   * trusted to have said everything: the connection is dropped (disconnected, so the near cache stops
   * serving) and made again.
   */
  private line(line: string): boolean {
    if (line === '') return true;
    const message = parseStreamLine(line);
    if (message === undefined) {
      this.retry();
      return false;
    }
    if (message.kind === 'hello') {
      this.retryMs = 100;
      this.setState('connected');
    } else if (message.kind === 'key' || message.kind === 'flush') {
      this.options.onEvent(message);
    }
    return true;
  }

  /** Drops the connection and connects again after a backoff. */
  private retry(): void {
    if (this.state_ === 'stopped') return;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.request?.destroy();
    this.request = undefined;
    this.setState('disconnected');
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.start();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  /** The node said something: the idle timer starts again (the same timer, not a new one per chunk). */
  private touch(): void {
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.retry();
    }, this.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private setState(state: StreamState): void {
    if (this.state_ === state || this.state_ === 'stopped') return;
    this.state_ = state;
    this.options.onState(state);
  }
}

/** A line of the stream that makes sense: an invalidation, `hello`, or anything else to ignore (`other`). */
export type StreamMessage = Invalidation | { kind: 'hello' } | { kind: 'other' };

/**
 * One line of the stream: `hello`, a well-formed invalidation, or another kind (`ping`, or one from a newer
 * node; ignored); undefined for anything else — not JSON, not an object, or a `key`/`flush` of the wrong
 * shape.
 */
export function parseStreamLine(line: string): StreamMessage | undefined {
  const plain = keyLine(line);
  if (plain) return plain;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { kind, group, key, generation } = value as Record<string, unknown>;
  if (typeof kind !== 'string') return undefined;
  if (kind === 'key')
    return typeof group === 'string' && typeof key === 'string' ? { kind, group, key } : undefined;
  if (kind === 'flush')
    return typeof group === 'string' && Number.isSafeInteger(generation)
      ? { kind, group, generation: generation as number }
      : undefined;
  return { kind: kind === 'hello' ? 'hello' : 'other' };
}

/** How a node writes a key's invalidation: `{"kind":"key","group":…,"key":…}` (JSON.stringify's order). */
const KEY_LINE = '{"kind":"key","group":"';
const KEY_FIELD = '","key":"';
/** What only an escaped or invalid JSON string holds: such a line goes to JSON.parse. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const NOT_PLAIN = /[\\\x00-\x1f]/;

/**
 * A key invalidation written as a node writes it, read without JSON.parse (which would also internalize
 * its strings: most of what reading a line costs the gateway, one line per write); undefined for any other
 * line, left to JSON.parse. Without escapes or control characters, a JSON string ends at the next quote.
 */
function keyLine(line: string): Invalidation | undefined {
  if (!line.startsWith(KEY_LINE) || !line.endsWith('"}') || NOT_PLAIN.test(line)) return undefined;
  const groupEnd = line.indexOf('"', KEY_LINE.length);
  if (!line.startsWith(KEY_FIELD, groupEnd)) return undefined;
  const keyAt = groupEnd + KEY_FIELD.length;
  if (line.indexOf('"', keyAt) !== line.length - 2) return undefined;
  return {
    kind: 'key',
    group: line.slice(KEY_LINE.length, groupEnd),
    key: line.slice(keyAt, line.length - 2),
  };
}

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return [host, Number(address.slice(colon + 1))];
}
