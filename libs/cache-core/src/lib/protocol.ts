/**
 * The peer protocol's messages, shared by the gRPC and HTTP codecs (one model, two encodings). Every
 * request carries the sender's ring version and hop count: a node never forwards a request that already
 * made a hop (`hops >= 1`), so nodes that disagree about the ring cannot bounce a request.
 */

import type { ErrorCode } from './errors';
import type { GroupStats } from './group';
import type { HotKey } from './hot-key-tracker';

/** Fields every peer request carries. */
export interface RequestContext {
  /** The sender's ring version (HashRing.version); '' when unknown. */
  ringVersion: string;
  /** Node-to-node forwards this request has made; the gateway and clients send 0. */
  hops: number;
  /**
   * The id of the client request this one serves, passed on to every peer call it causes (see
   * request-id.ts). Absent when the sender had none. Not part of any rule: only logs use it.
   */
  requestId?: string;
}

export interface GetRequest extends RequestContext {
  group: string;
  key: string;
}

export interface GetResponse {
  /** False when the loader found nothing (a cached "not found"); distinct from an empty value. */
  found: boolean;
  /** The value; empty when not found. */
  value: Uint8Array;
  /** Absolute expiry in ms since the epoch; 0 when the entry never expires. */
  expireAtMs: number;
  /** True when the value expired and is served only because reloading it failed (stale-on-error). */
  stale?: boolean;
  /**
   * In a GetMany answer only: this key failed (its load, say) while the others were answered. `found` is
   * then false and `value` empty; the caller rebuilds the error (rebuildError) for this key alone.
   */
  error?: KeyError;
}

/** What failed for one key of a GetMany: an error's code and message, as the codecs carry them. */
export interface KeyError {
  code: ErrorCode;
  message: string;
}

export interface GetManyRequest extends RequestContext {
  group: string;
  keys: string[];
}

export interface GetManyResponse {
  /** One answer per requested key, in request order; a key that failed carries `error`. */
  results: GetResponse[];
}

export interface SetRequest extends RequestContext {
  group: string;
  key: string;
  value: Uint8Array;
  /** Time to live in ms; 0 means the group's default. */
  ttlMs: number;
}

export interface SetResponse {
  expireAtMs: number;
}

/** One entry of a SetMany. */
export interface SetEntry {
  key: string;
  value: Uint8Array;
  /** Time to live in ms; 0 means the group's default. */
  ttlMs: number;
}

/**
 * Many entries of one group. Every entry is checked before any is stored: one invalid entry fails the
 * whole call and stores nothing.
 */
export interface SetManyRequest extends RequestContext {
  group: string;
  entries: SetEntry[];
}

/** One answer per entry, in request order. */
export interface SetManyResponse {
  results: SetResponse[];
}

/** Drops many keys of one group (at their owners, or with `localOnly` here only: the owners' fan-out). */
export interface DeleteManyRequest extends RequestContext {
  group: string;
  keys: string[];
  localOnly?: boolean;
}

/** One answer per key, in request order. */
export interface DeleteManyResponse {
  results: DeleteResponse[];
}

export interface DeleteRequest extends RequestContext {
  group: string;
  key: string;
  /**
   * Drop the key on the receiving node only. The owner sends this to every other node after dropping the
   * key itself; a local-only delete never fans out again.
   */
  localOnly?: boolean;
}

export interface DeleteResponse {
  /** True when this node held the key. */
  deleted: boolean;
}

export interface FlushRequest {
  group: string;
  /** Entries older than this generation are dropped; one not newer than the node's is a no-op. */
  generation: number;
}

export interface FlushResponse {
  /** The node's generation of the group after the call. */
  generation: number;
}

/** A key whose delay-queue bucket expired. */
export interface ExpiredKey {
  group: string;
  key: string;
  /** The expiry recorded in the delay queue: an entry set again since, expiring later, is kept. */
  expireAtMs: number;
}

export interface ExpireRequest {
  keys: ExpiredKey[];
}

export interface ExpireResponse {
  /** Entries dropped now. */
  removed: number;
  /** Entries due within the next second, dropped by a timer at their exact expiry. */
  scheduled: number;
}

/** One group's counters on one node. */
export interface NodeGroupStats {
  name: string;
  stats: GroupStats;
}

/** What a node answers to a stats call: the counters of every group it serves, by name. */
export interface NodeStatsResponse {
  groups: NodeGroupStats[];
}

/** Most hot keys one call asks for. */
export const MAX_HOT_KEYS = 100;

export interface HotKeysRequest {
  group: string;
  /** How many keys, 1 to MAX_HOT_KEYS. */
  limit: number;
}

export interface HotKeysResponse {
  /** The keys clients requested most lately at this node, most requested first. */
  keys: HotKey[];
}

/** Per-call options of a {@link PeerClient}. */
export interface CallOptions {
  /** Give up after this many ms (the call fails with PeerUnavailableError). */
  deadlineMs: number;
  /**
   * The request id to send with the call (HTTP header / gRPC metadata `x-request-id`), so the peer's logs
   * name the client request it serves. Default none.
   */
  requestId?: string;
}

/** Whether `options` carries a deadline a call can keep: a positive, finite number of ms. */
export function hasUsableDeadline(options: CallOptions | undefined): boolean {
  const deadlineMs = options?.deadlineMs;
  return typeof deadlineMs === 'number' && deadlineMs > 0 && Number.isFinite(deadlineMs);
}

/**
 * Calls `passed` once `ms` have passed, after the input of that turn of the event loop has been read: timers
 * run before I/O, so after this process's event loop was held (a long task, a pause), an answer that came in
 * time may wait unread in its socket. `passed` must check that its call is still unanswered.
 */
export function deadlineTimer(ms: number, passed: () => void): NodeJS.Timeout {
  return setTimeout(() => setImmediate(passed), ms);
}

/**
 * The client side of the peer protocol, one per remote node. Implementations keep one channel or
 * keep-alive agent per peer and reuse it. Failures to reach the peer, and deadlines, reject with
 * PeerUnavailableError; errors the peer reports keep their RingcacheError code.
 */
export interface PeerClient {
  /** The peer's node name. */
  readonly name: string;
  get(request: GetRequest, options: CallOptions): Promise<GetResponse>;
  getMany(request: GetManyRequest, options: CallOptions): Promise<GetManyResponse>;
  set(request: SetRequest, options: CallOptions): Promise<SetResponse>;
  setMany(request: SetManyRequest, options: CallOptions): Promise<SetManyResponse>;
  delete(request: DeleteRequest, options: CallOptions): Promise<DeleteResponse>;
  deleteMany(request: DeleteManyRequest, options: CallOptions): Promise<DeleteManyResponse>;
  flush(request: FlushRequest, options: CallOptions): Promise<FlushResponse>;
  expire(request: ExpireRequest, options: CallOptions): Promise<ExpireResponse>;
  /** Closes the channel; calls after close fail. */
  close(): Promise<void>;
}

/**
 * What a node tells subscribers (gateways with a near cache) after a write: a key's value changed or
 * went away, or a group was flushed. Subscribers drop their copies.
 */
export type Invalidation =
  { kind: 'key'; group: string; key: string } | { kind: 'flush'; group: string; generation: number };

/** Injection token under which apps provide the {@link PeerHandler} that the peer servers call. */
export const PEER_HANDLER = 'ringcache:PeerHandler';

/** The server side of the peer protocol: what the codecs call after decoding a request. */
export interface PeerHandler {
  get(request: GetRequest): Promise<GetResponse>;
  getMany(request: GetManyRequest): Promise<GetManyResponse>;
  set(request: SetRequest): Promise<SetResponse>;
  setMany(request: SetManyRequest): Promise<SetManyResponse>;
  delete(request: DeleteRequest): Promise<DeleteResponse>;
  deleteMany(request: DeleteManyRequest): Promise<DeleteManyResponse>;
  flush(request: FlushRequest): Promise<FlushResponse>;
  expire(request: ExpireRequest): Promise<ExpireResponse>;
  /** Calls `listener` with every invalidation this node announces until the returned function is called. */
  subscribe?(listener: (event: Invalidation) => void): () => void;
  /** Every group's counters (observability, not the data path; served by both transports). */
  groupStats?(): Promise<NodeStatsResponse>;
  /** A group's hottest keys lately (observability, served by both transports). */
  hotKeys?(request: HotKeysRequest): Promise<HotKeysResponse>;
}
