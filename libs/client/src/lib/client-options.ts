import type { Member } from '@ringcache/cache-core';
import type { DiscoveryLogger } from '@ringcache/discovery';
import type { GrpcPeerClientOptions } from '@ringcache/peer-grpc';
import type { HttpPeerClientOptions } from '@ringcache/peer-http';
import type { TlsMaterial } from '@ringcache/tls';
import type { ResolvedNearCacheOptions } from './client-reads';
import { resolveClientTls, type ClientTlsOptions } from './client-tls';
import { resolveEtcdOptions } from './etcd-options';
import { CLIENT_DEFAULTS, MAX_TIMER_MS } from './client-defaults';
import { integer, invalid, isHostPort } from './option-checks';

/** How to reach etcd, where the cache nodes register. */
export interface RingcacheEtcdOptions {
  /** `http(s)://host:port` of each etcd member. Required, at least one. */
  endpoints: string[];
  /** The cluster's name: nodes are watched under `ringcache/<cluster>/cache/`. Default `ringcache`. */
  cluster?: string;
  /** Longest wait to connect to etcd, in ms. Default 2,000. */
  dialTimeoutMs?: number;
  /** Deadline of each etcd call (reads, the flush generation bump), in ms. Default 3,000. */
  callTimeoutMs?: number;
  /** etcd user; empty or absent means no authentication. Default none. */
  username?: string;
  /** Password of `username`. Default none. */
  password?: string;
  /** PEM file paths for TLS to etcd. Default none: plain TCP (or the system CAs for an https endpoint). */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

/** One cache node of a fixed list. */
export interface RingcacheNode {
  /** The node's name: the ring places keys by it, so it must be the name the node runs with. */
  name: string;
  /** `host:port` of the node's gRPC endpoint. */
  grpc: string;
  /** `host:port` of the node's HTTP endpoint. Required with transport `http`; otherwise informational. */
  http?: string;
}

/** How the client calls the nodes: the peer protocol over gRPC (HTTP/2) or over HTTP/1.1. */
export type ClientTransport = 'grpc' | 'http';

/** Options of the channel to each node, as GrpcPeerClient takes them (credentials, keepalive, sizes...). */
export type NodeChannelOptions = Omit<GrpcPeerClientOptions, 'name' | 'address'>;

/** Options of the connections to each node over HTTP, as HttpPeerClient takes them (maxSockets, frames). */
export type NodeHttpOptions = Omit<HttpPeerClientOptions, 'name' | 'address'>;

/**
 * Options of a {@link RingcacheClient}. Give exactly one of `etcd` (the nodes are found, and followed,
 * in etcd) and `nodes` (a fixed list, as the cluster's static `nodes` configuration).
 */
export interface RingcacheClientOptions {
  /** Find the nodes in etcd, as the gateway does. */
  etcd?: RingcacheEtcdOptions;
  /** A fixed list of nodes, the same list the cluster is configured with. */
  nodes?: RingcacheNode[];
  /**
   * The protocol to the nodes, which serve both: `grpc` (one HTTP/2 connection per node) or `http`
   * (keep-alive HTTP/1.1 to each node's HTTP address, as the gateway's HTTP peers; less client CPU per
   * call). Default `grpc`.
   */
  transport?: ClientTransport;
  /** Deadline of each call to a node, in ms, as the cluster's `peers.deadlineMs`. Default 3,000. */
  deadlineMs?: number;
  /**
   * Longest a whole method may take, in ms: a read may try the owner, then the next owner, and a getMany
   * falls back key by key. Default 3 × deadlineMs + 1,000 (10,000 with the default deadline). At least
   * deadlineMs.
   */
  timeoutMs?: number;
  /** How long `ready()` waits for a first node, in ms. Default 10,000. */
  readyTimeoutMs?: number;
  /** Virtual nodes per node on the ring; must match the cluster's `peers.vnodes`. Default 160. */
  vnodes?: number;
  /** Probes per key lookup; must match the cluster's `peers.probes`. Default 8. */
  probes?: number;
  /** Longest key in UTF-8 bytes, as the cluster's `gateway.maxKeyBytes`. Default 1,024. */
  maxKeyBytes?: number;
  /** Largest value a `set` sends, in bytes, as the cluster's `gateway.maxValueBytes`. Default 1 MiB. */
  maxValueBytes?: number;
  /**
   * Channel options of the gRPC connection to each node; used with transport `grpc` only. Default:
   * GrpcPeerClient's (insecure, 10 s keepalive).
   */
  grpc?: NodeChannelOptions;
  /** Connection options to each node over HTTP; used with transport `http` only. Default: 64 sockets per node. */
  http?: NodeHttpOptions;
  /**
   * A near cache in this process: reads of keys it holds cross no network. It is kept coherent as the
   * gateway's is — every node's invalidation stream (over each node's HTTP address) drops changed keys,
   * nothing is served while any stream is down, and a read that raced a write never keeps the old value.
   * `maxBytes` is its memory budget; `maxAgeMs` bounds how long an entry without its own expiry is kept
   * (default 60,000). Default: no near cache.
   */
  nearCache?: { maxBytes: number; maxAgeMs?: number };
  /**
   * How gets bound for one node are sent together as one GetMany: `windowMs` (0 to 1,000; default 0, the
   * same turn of the event loop) and `maxKeys` (1 to 1,000; default 1,000), or `false` for a call per get.
   */
  batching?: { windowMs?: number; maxKeys?: number } | false;
  /**
   * A node that failed `consecutiveFailures` calls in a row (default 3; no answer in time, no connection) is
   * skipped for `cooldownMs` (default 5,000; doubling while probes fail, up to 8×): reads of its keys go to
   * the next owner at once, writes fail at once. `false` turns it off.
   */
  outlierDetection?: { consecutiveFailures?: number; cooldownMs?: number } | false;
  /** Where discovery reports what it does. Default: warnings to console.warn, nothing else. */
  logger?: DiscoveryLogger;
  /**
   * Mutual TLS to the nodes (required by a cluster with `tls` configured), on either transport: PEM files
   * `{ caFile, certFile, keyFile }`, watched for rotation, or PEM text `{ ca, cert, key }`. Default none.
   */
  tls?: ClientTlsOptions;
}

/** etcd options with defaults applied. */
export interface ResolvedEtcdOptions {
  endpoints: string[];
  cluster: string;
  dialTimeoutMs: number;
  callTimeoutMs: number;
  username?: string;
  password?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

/** Where the nodes come from, validated. */
export type ClientDiscoveryOptions =
  { kind: 'etcd'; etcd: ResolvedEtcdOptions } | { kind: 'static'; nodes: Member[] };

/** {@link RingcacheClientOptions} with every default applied. */
export interface ResolvedClientOptions {
  discovery: ClientDiscoveryOptions;
  transport: ClientTransport;
  deadlineMs: number;
  timeoutMs: number;
  readyTimeoutMs: number;
  vnodes: number;
  probes: number;
  maxKeyBytes: number;
  maxValueBytes: number;
  /** The given `grpc` with transport `grpc`, else empty: the other transport's options are never read. */
  grpc: NodeChannelOptions;
  /** The given `http` with transport `http`, else empty. */
  http: NodeHttpOptions;
  /** The near cache, or undefined for none. */
  nearCache?: ResolvedNearCacheOptions;
  batching: { windowMs?: number; maxKeys?: number } | false;
  outlierDetection: { consecutiveFailures?: number; cooldownMs?: number } | false;
  logger: DiscoveryLogger;
  /** The TLS material, loaded; undefined for plaintext. */
  tls?: TlsMaterial;
}

export { CLIENT_DEFAULTS, MAX_TIMER_MS } from './client-defaults';
const NODE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const TRANSPORTS: readonly string[] = ['grpc', 'http'];
const OPTION_KEYS = new Set([
  'etcd',
  'nodes',
  'transport',
  'deadlineMs',
  'timeoutMs',
  'readyTimeoutMs',
  'vnodes',
  'probes',
  'maxKeyBytes',
  'maxValueBytes',
  'grpc',
  'http',
  'nearCache',
  'batching',
  'outlierDetection',
  'logger',
  'tls',
]);

const defaultLogger: DiscoveryLogger = {
  log: () => undefined,
  warn: (message) => console.warn(`ringcache client: ${message}`),
};

/**
 * Validates client options and applies the defaults, in one place. Throws an InvalidArgumentError naming
 * the option and the value it got: a misconfigured client fails when it is created, not on a request.
 */
export function resolveClientOptions(options: RingcacheClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw invalid('RingcacheClient options must be an object', options);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw invalid(`unknown RingcacheClient option ${key}`);
  }
  const hasEtcd = options.etcd !== undefined;
  const hasNodes = options.nodes !== undefined;
  if (hasEtcd === hasNodes) {
    throw invalid(
      `RingcacheClient needs exactly one of options.etcd (find the nodes in etcd) and options.nodes ` +
        `(a fixed list), got ${hasEtcd ? 'both' : 'neither'}`,
    );
  }
  /** An integer option of `options`, or its default; `max` defaults to the longest timer. */
  const whole = (name: keyof RingcacheClientOptions, fallback: number, min = 1, max = MAX_TIMER_MS) =>
    integer(`RingcacheClient option ${name}`, options[name], fallback, min, max);
  const transport = options.transport === undefined ? CLIENT_DEFAULTS.transport : options.transport;
  if (typeof transport !== 'string' || !TRANSPORTS.includes(transport))
    throw invalid('RingcacheClient option transport must be "grpc" or "http"', transport);
  const deadlineMs = whole('deadlineMs', CLIENT_DEFAULTS.deadlineMs);
  // Only the chosen transport's options are checked (and used): a client switched to http keeps working
  // with grpc settings it no longer needs, and the other way round.
  const peerOptions = <T>(name: ClientTransport, given: T | undefined): T | Record<string, never> => {
    if (transport !== name || given === undefined) return {};
    if (typeof given !== 'object' || given === null || Array.isArray(given))
      throw invalid(`RingcacheClient option ${name} must be an object`, given);
    return given;
  };
  return {
    discovery: hasEtcd
      ? { kind: 'etcd', etcd: resolveEtcdOptions(options.etcd, 'RingcacheClient option etcd', true) }
      : { kind: 'static', nodes: resolveNodes(options.nodes, transport, options.nearCache !== undefined) },
    transport,
    deadlineMs,
    timeoutMs: whole('timeoutMs', Math.min(3 * deadlineMs + 1_000, MAX_TIMER_MS), deadlineMs),
    readyTimeoutMs: whole('readyTimeoutMs', CLIENT_DEFAULTS.readyTimeoutMs),
    vnodes: whole('vnodes', CLIENT_DEFAULTS.vnodes, 1, 10_000),
    probes: whole('probes', CLIENT_DEFAULTS.probes, 1, 64),
    maxKeyBytes: whole('maxKeyBytes', CLIENT_DEFAULTS.maxKeyBytes, 1, Number.MAX_SAFE_INTEGER),
    maxValueBytes: whole('maxValueBytes', CLIENT_DEFAULTS.maxValueBytes, 1, Number.MAX_SAFE_INTEGER),
    grpc: peerOptions('grpc', options.grpc),
    http: peerOptions('http', options.http),
    nearCache: resolveNearCache(options.nearCache),
    batching: resolveBatching(options.batching),
    outlierDetection: resolveOutlierDetection(options.outlierDetection),
    logger: resolveLogger(options.logger),
    // Last: it reads files, and watches them until the client closes.
    tls: resolveClientTls(options.tls),
  };
}

/** The near cache's settings, or undefined when there is none. */
function resolveNearCache(near: unknown): ResolvedNearCacheOptions | undefined {
  if (near === undefined) return undefined;
  if (typeof near !== 'object' || near === null || Array.isArray(near))
    throw invalid('RingcacheClient option nearCache must be an object { maxBytes, maxAgeMs? }', near);
  const given = near as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (key !== 'maxBytes' && key !== 'maxAgeMs')
      throw invalid(`unknown RingcacheClient option nearCache.${key}`);
  }
  if (given['maxBytes'] === undefined) throw invalid('RingcacheClient option nearCache.maxBytes is required');
  return {
    maxBytes: integer('RingcacheClient option nearCache.maxBytes', given['maxBytes'], 0, 1_024),
    maxAgeMs: integer(
      'RingcacheClient option nearCache.maxAgeMs',
      given['maxAgeMs'],
      60_000,
      1,
      MAX_TIMER_MS,
    ),
  };
}

/** Batching as the peer connector takes it; bad values are refused there, when the client is built. */
function resolveBatching(batching: unknown): ResolvedClientOptions['batching'] {
  return tunables('batching', batching, { windowMs: [0, 1_000], maxKeys: [1, 1_000] });
}

/** Outlier detection as the peer connector takes it. */
function resolveOutlierDetection(outlier: unknown): ResolvedClientOptions['outlierDetection'] {
  return tunables('outlierDetection', outlier, {
    consecutiveFailures: [1, 1_000],
    cooldownMs: [1, MAX_TIMER_MS],
  });
}

/**
 * An option that is `false` (off), or an object of integers each within its [min, max]: those given, the
 * others undefined (the connector's defaults). Absent: `{}`, every default.
 */
function tunables<K extends string>(
  option: string,
  value: unknown,
  ranges: Record<K, [number, number]>,
): Partial<Record<K, number>> | false {
  if (value === undefined) return {};
  if (value === false) return false;
  const keys = Object.keys(ranges) as K[];
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(
      `RingcacheClient option ${option} must be an object { ${keys.join('?, ')}? } or false`,
      value,
    );
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(keys as string[]).includes(key)) throw invalid(`unknown RingcacheClient option ${option}.${key}`);
  }
  const resolved: Partial<Record<K, number>> = {};
  for (const key of keys) {
    const [min, max] = ranges[key];
    if (given[key] !== undefined)
      resolved[key] = integer(`RingcacheClient option ${option}.${key}`, given[key], min, min, max);
  }
  return resolved;
}

/**
 * The fixed node list as members: names unique and valid, addresses host:port, and an HTTP address on every
 * node when the client calls them over HTTP or keeps a near cache.
 */
function resolveNodes(nodes: unknown, transport: ClientTransport, nearCache: boolean): Member[] {
  if (!Array.isArray(nodes) || nodes.length === 0)
    throw invalid('RingcacheClient option nodes must be a non-empty list of { name, grpc, http? }', nodes);
  const names = new Set<string>();
  return nodes.map((node: Partial<RingcacheNode>, i) => {
    if (typeof node !== 'object' || node === null)
      throw invalid(`RingcacheClient option nodes[${i}] must be an object { name, grpc, http? }`, node);
    const { name, grpc, http } = node;
    if (typeof name !== 'string' || !NODE_NAME.test(name))
      throw invalid(`RingcacheClient option nodes[${i}].name must be 1 to 64 of A-Z a-z 0-9 _ . -`, name);
    if (names.has(name)) throw invalid(`RingcacheClient option nodes[${i}].name is a duplicate`, name);
    names.add(name);
    if (!isHostPort(grpc)) throw invalid(`RingcacheClient option nodes[${i}].grpc must be host:port`, grpc);
    if (http === undefined && transport === 'http')
      throw invalid(`RingcacheClient option nodes[${i}].http (node ${name}) is required with transport http`);
    // The near cache hears of writes over each node's HTTP invalidation stream.
    if (http === undefined && nearCache)
      throw invalid(`RingcacheClient option nodes[${i}].http (node ${name}) is required with nearCache`);
    if (http !== undefined && !isHostPort(http))
      throw invalid(`RingcacheClient option nodes[${i}].http must be host:port`, http);
    return { name, grpcAddress: grpc, httpAddress: http ?? '' };
  });
}

function resolveLogger(logger: unknown): DiscoveryLogger {
  if (logger === undefined) return defaultLogger;
  const given = logger as Partial<DiscoveryLogger> | null;
  if (typeof given?.log !== 'function' || typeof given.warn !== 'function')
    throw invalid('RingcacheClient option logger must have log(message) and warn(message) methods', logger);
  return given as DiscoveryLogger;
}
