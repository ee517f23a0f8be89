import { credentials as grpcCredentials, loadPackageDefinition, Metadata } from '@grpc/grpc-js';
import type {
  CallOptions as GrpcCallOptions,
  ChannelCredentials,
  ChannelOptions,
  ServiceError,
} from '@grpc/grpc-js';

import {
  hasUsableDeadline,
  InvalidArgumentError,
  PeerUnavailableError,
  RingcacheError,
  REQUEST_ID_HEADER,
  requestIdOf,
} from '@ringcache/cache-core';
import type {
  CallOptions,
  DeleteManyRequest,
  DeleteManyResponse,
  DeleteRequest,
  DeleteResponse,
  ExpireRequest,
  ExpireResponse,
  FlushRequest,
  FlushResponse,
  GetManyRequest,
  GetManyResponse,
  GetRequest,
  GetResponse,
  HotKeysRequest,
  HotKeysResponse,
  NodeStatsResponse,
  PeerClient,
  SetManyRequest,
  SetManyResponse,
  SetRequest,
  SetResponse,
} from '@ringcache/cache-core';
import { loadRingcacheProto } from '@ringcache/proto';

import { fromServiceError } from './client-errors';
import type { CallContext } from './client-errors';
import {
  expireResponseFromMessage,
  flushResponseFromMessage,
  getManyResponseFromMessage,
  getResponseFromMessage,
  hotKeysResponseFromMessage,
  statsResponseFromMessage,
} from './messages';
import { CallStream } from './call-stream';
import { DEFAULT_MAX_MESSAGE_BYTES } from './message-size';
import { callTarget, isStreamable, OPERATION, type StreamCall, type StreamCalls } from './stream-calls';
import { flowControlWindow } from './flow-control-window';
import type * as pb from '@ringcache/proto';

/** Options of a {@link GrpcPeerClient}. */
export interface GrpcPeerClientOptions {
  /** The peer's node name, named in errors. Required, non-empty. */
  name: string;
  /** The peer's gRPC endpoint, `host:port` (IPv6 as `[::1]:8001`). Required. */
  address: string;
  /** Channel credentials. Default: insecure (plaintext HTTP/2, for a trusted cluster network). */
  credentials?: ChannelCredentials;
  /** Largest message sent or received, in bytes. Default 16 MiB: values of a few MiB, and GetMany answers. */
  maxMessageBytes?: number;
  /**
   * The HTTP/2 receive window of the connection to the peer, and of each stream on it, in bytes: how much
   * the peer may answer before it waits to hear this side read it (see flowControlWindow). 65,535 (HTTP/2's
   * own) to 2^31 - 1; default maxMessageBytes.
   */
  flowControlWindowBytes?: number;
  /**
   * Interval of HTTP/2 keepalive pings, also on an idle connection, in ms. Default 10,000. A peer whose host
   * vanished without closing the TCP connection is then detected within keepaliveTimeMs + keepaliveTimeoutMs
   * instead of at the next call's deadline.
   */
  keepaliveTimeMs?: number;
  /** How long a keepalive ping may go unanswered before the connection is dropped, in ms. Default 5,000. */
  keepaliveTimeoutMs?: number;
  /** First wait before reconnecting after a failed connection attempt, in ms. Default 100. */
  initialReconnectBackoffMs?: number;
  /**
   * Longest wait between reconnection attempts, in ms. Default 2,000 (grpc's own is 120 s, which would keep a
   * restarted peer unused for minutes). While waiting, calls fail at once with UNAVAILABLE.
   */
  maxReconnectBackoffMs?: number;
  /**
   * Calls wait, within their deadline, for a connection being made or remade, instead of failing at once
   * while the channel backs off. Default false: the data path fails fast and falls back to the next owner.
   */
  waitForReady?: boolean;
  /**
   * The data calls (Get, GetMany, Set, SetMany, Delete, DeleteMany) go as messages on one long-lived Calls
   * stream per peer (see CallStream), not as unary calls. Default true. A peer that does not serve Calls
   * gets unary calls.
   */
  streamCalls?: boolean;
  /** Further grpc-js channel options; they override the ones above. Default none. */
  channelOptions?: ChannelOptions;
}

/** The generated client class of `ringcache.v1.Cache`, loaded once per process and shared by all peers. */
let cacheClientClass: pb.ProtoGrpcType['ringcache']['v1']['Cache'] | undefined;
function cacheClient(): pb.ProtoGrpcType['ringcache']['v1']['Cache'] {
  cacheClientClass ??= (loadPackageDefinition(loadRingcacheProto()) as unknown as pb.ProtoGrpcType).ringcache
    .v1.Cache;
  return cacheClientClass;
}

type Operation =
  'Get' | 'GetMany' | 'Set' | 'SetMany' | 'Delete' | 'DeleteMany' | 'Flush' | 'Expire' | 'Stats' | 'HotKeys';
/** Group and key of a call, for its error: built only when the call fails. */
type Target = () => Pick<CallContext, 'group' | 'key'>;
type Callback<T> = (error: ServiceError | null, response?: T) => void;

/**
 * The peer protocol over gRPC: one grpc-js channel (one HTTP/2 connection) per peer, opened lazily on the
 * first call and reused by every call after, concurrent ones multiplexed as streams. Calls do not wait for
 * the channel to become ready (unless `waitForReady`): a peer that is down fails at once with
 * PeerUnavailableError, and every call carries a deadline.
 */
export class GrpcPeerClient implements PeerClient {
  readonly name: string;
  /** The peer's `host:port`. */
  readonly address: string;
  private readonly client: pb.CacheClient;
  private readonly waitForReady: boolean;
  private readonly calls?: CallStream;
  private closed = false;

  constructor(options: GrpcPeerClientOptions) {
    const { name, address } = options;
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(
        `GrpcPeerClient option name must be a non-empty string, got ${JSON.stringify(name)}`,
      );
    }
    if (!isHostPort(address)) {
      throw new TypeError(`GrpcPeerClient option address must be host:port, got ${JSON.stringify(address)}`);
    }
    const maxMessageBytes = positive('maxMessageBytes', options.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES);
    const channelOptions: ChannelOptions = {
      'grpc.keepalive_time_ms': positive('keepaliveTimeMs', options.keepaliveTimeMs, 10_000),
      'grpc.keepalive_timeout_ms': positive('keepaliveTimeoutMs', options.keepaliveTimeoutMs, 5_000),
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': positive(
        'initialReconnectBackoffMs',
        options.initialReconnectBackoffMs,
        100,
      ),
      'grpc.max_reconnect_backoff_ms': positive(
        'maxReconnectBackoffMs',
        options.maxReconnectBackoffMs,
        2_000,
      ),
      'grpc.max_send_message_length': maxMessageBytes,
      'grpc.max_receive_message_length': maxMessageBytes,
      // Node-to-node traffic never goes through an HTTP proxy, whatever http_proxy says.
      'grpc.enable_http_proxy': 0,
      // Per-call bookkeeping nobody here reads (channelz), and a retry layer around every call that the
      // caller's own fallback makes redundant: both cost CPU on every call.
      'grpc.enable_channelz': 0,
      'grpc.enable_retries': 0,
      'grpc-node.flow_control_window': flowControlWindow(
        'GrpcPeerClient',
        options.flowControlWindowBytes,
        maxMessageBytes,
      ),
      ...options.channelOptions,
    };
    this.name = name;
    this.address = address;
    this.waitForReady = options.waitForReady ?? false;
    const Client = cacheClient();
    this.client = new Client(
      address,
      options.credentials ?? grpcCredentials.createInsecure(),
      channelOptions,
    );
    if (options.streamCalls !== false) {
      this.calls = new CallStream({
        peer: name,
        open: (metadata) => this.client.Calls(metadata),
        waitForReady: this.waitForReady,
        unary: (kind, request, callOptions) => this.unaryData(kind, request, callOptions),
      });
    }
  }

  async get(request: GetRequest, options: CallOptions): Promise<GetResponse> {
    return getResponseFromMessage(await this.data('get', request, options));
  }

  async getMany(request: GetManyRequest, options: CallOptions): Promise<GetManyResponse> {
    return getManyResponseFromMessage(await this.data('getMany', request, options));
  }

  async set(request: SetRequest, options: CallOptions): Promise<SetResponse> {
    return { expireAtMs: (await this.data('set', request, options)).expireAtMs };
  }

  async setMany(request: SetManyRequest, options: CallOptions): Promise<SetManyResponse> {
    const { results } = await this.data('setMany', request, options);
    return { results: results.map((r) => ({ expireAtMs: r.expireAtMs })) };
  }

  async delete(request: DeleteRequest, options: CallOptions): Promise<DeleteResponse> {
    return { deleted: (await this.data('delete', request, options)).deleted };
  }

  async deleteMany(request: DeleteManyRequest, options: CallOptions): Promise<DeleteManyResponse> {
    const { results } = await this.data('deleteMany', request, options);
    return { results: results.map((r) => ({ deleted: r.deleted })) };
  }

  /**
   * A data call: on the Calls stream, unless asked not to or the call is one the stream cannot carry as it
   * is (a bad deadline or field, a large value: see isStreamable), which goes unary — and is refused there
   * with the error a unary call gives.
   */
  private data<K extends StreamCall>(
    kind: K,
    request: StreamCalls[K][0],
    options: CallOptions,
  ): Promise<StreamCalls[K][1]> {
    return this.calls && !this.closed && isStreamable(kind, request, options)
      ? this.calls.call(kind, request, options)
      : this.unaryData(kind, request, options);
  }

  /** A data call as its unary method. */
  private unaryData<K extends StreamCall>(
    kind: K,
    request: StreamCalls[K][0],
    options: CallOptions,
  ): Promise<StreamCalls[K][1]> {
    const operation = OPERATION[kind];
    // The generated client's methods, by name: each takes its own request type, which `kind` matches.
    const method = this.client[operation].bind(this.client) as unknown as (
      request: StreamCalls[K][0],
      metadata: Metadata,
      options: GrpcCallOptions,
      done: Callback<StreamCalls[K][1]>,
    ) => void;
    return this.unary<StreamCalls[K][1]>(
      operation,
      // Joining GetMany's keys is not free, which is why targets are built on failure only.
      () => callTarget(kind, request),
      options,
      (metadata, callOptions, done) => method(request, metadata, callOptions, done),
    );
  }

  async flush(request: FlushRequest, options: CallOptions): Promise<FlushResponse> {
    const message = await this.unary<pb.FlushResponse__Output>(
      'Flush',
      () => ({ group: request.group, key: '' }),
      options,
      (metadata, callOptions, done) => this.client.Flush(request, metadata, callOptions, done),
    );
    return flushResponseFromMessage(message);
  }

  async expire(request: ExpireRequest, options: CallOptions): Promise<ExpireResponse> {
    const message = await this.unary<pb.ExpireResponse__Output>(
      'Expire',
      // The keys may span groups: an error names none of them.
      () => ({ group: '', key: '' }),
      options,
      (metadata, callOptions, done) => this.client.Expire(request, metadata, callOptions, done),
    );
    return expireResponseFromMessage(message);
  }

  /**
   * The peer's counters of every group (the Stats call; GrpcNodeStatsClient's, not the data path). An
   * answer that is not the stats document rejects `internal`.
   */
  async groupStats(options: CallOptions): Promise<NodeStatsResponse> {
    const message = await this.unary<pb.StatsResponse__Output>(
      'Stats',
      () => ({ group: '', key: '' }),
      options,
      (metadata, callOptions, done) => this.client.Stats({}, metadata, callOptions, done),
    );
    return this.checked('Stats', statsResponseFromMessage(message));
  }

  /** A group's hottest keys at the peer (the HotKeys call), checked field by field. */
  async hotKeys(request: HotKeysRequest, options: CallOptions): Promise<HotKeysResponse> {
    const message = await this.unary<pb.HotKeysResponse__Output>(
      'HotKeys',
      () => ({ group: request.group, key: '' }),
      options,
      (metadata, callOptions, done) =>
        this.client.HotKeys({ group: request.group, limit: request.limit }, metadata, callOptions, done),
    );
    return this.checked('HotKeys', hotKeysResponseFromMessage(message));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.calls?.close();
    this.client.close();
  }

  /** A decoded answer the readers accepted, or an `internal` error naming the call and the peer. */
  private checked<T>(operation: Operation, answer: T | undefined): T {
    if (answer === undefined)
      throw new RingcacheError('internal', `${operation} on peer ${this.name}: malformed answer`);
    return answer;
  }

  /** Starts one unary call with a deadline and turns its outcome into a promise of the decoded message. */
  private unary<T>(
    operation: Operation,
    target: Target,
    options: CallOptions,
    start: (metadata: Metadata, callOptions: GrpcCallOptions, done: Callback<T>) => void,
  ): Promise<T> {
    if (this.closed) {
      return Promise.reject(new PeerUnavailableError(this.name, operation, 'the client is closed'));
    }
    const deadlineMs = options?.deadlineMs;
    if (!hasUsableDeadline(options)) {
      return Promise.reject(
        new InvalidArgumentError(
          `${operation}: deadlineMs must be a positive number of ms, got ${String(deadlineMs)}`,
        ),
      );
    }
    const metadata = new Metadata();
    if (this.waitForReady) metadata.setOptions({ waitForReady: true });
    // Checked here, so an id that metadata cannot carry fails no call: it is only left out.
    const requestId = requestIdOf(options.requestId);
    if (requestId) metadata.set(REQUEST_ID_HEADER, requestId);
    return new Promise<T>((resolve, reject) => {
      // grpc-js captures the caller's stack on every call (`new Error()`) for errors we rebuild anyway
      // (fromServiceError names the peer, call and key): it is not captured, which saves a stack walk.
      const stackTraceLimit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        start(metadata, { deadline: Date.now() + deadlineMs }, (error, response) => {
          if (!error) {
            // grpc-js always passes a message on success; the cast only drops the optional of its type.
            resolve(response as T);
            return;
          }
          const { group, key } = target();
          reject(fromServiceError(error, { peer: this.name, operation, group, key }));
        });
      } finally {
        Error.stackTraceLimit = stackTraceLimit;
      }
    });
  }
}

/** `host:port` with a port in 1..65535; the host a name, an IPv4 address, or a bracketed IPv6 address. */
function isHostPort(address: unknown): address is string {
  if (typeof address !== 'string') return false;
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+):(\d{1,5})$/.exec(address);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 65_535;
}

function positive(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`GrpcPeerClient option ${option} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
