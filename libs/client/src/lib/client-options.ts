import { InvalidArgumentError, type Member } from '@ringcache/cache-core';
import type { DiscoveryLogger } from '@ringcache/discovery';
import type { GrpcPeerClientOptions } from '@ringcache/peer-grpc';
import type { HttpPeerClientOptions } from '@ringcache/peer-http';

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

/** Options of the keep-alive connections to each node over HTTP, as HttpPeerClient takes them (maxSockets). */
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
  /** Where discovery reports what it does. Default: warnings to console.warn, nothing else. */
  logger?: DiscoveryLogger;
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
  logger: DiscoveryLogger;
}

/** The defaults, the same as the cluster's own (config/ringcache.yaml). */
export const CLIENT_DEFAULTS = Object.freeze({
  cluster: 'ringcache',
  transport: 'grpc' as ClientTransport,
  deadlineMs: 3_000,
  readyTimeoutMs: 10_000,
  vnodes: 160,
  probes: 8,
  maxKeyBytes: 1_024,
  maxValueBytes: 1_048_576,
  dialTimeoutMs: 2_000,
  callTimeoutMs: 3_000,
});

/** Longest timer Node.js honours; a longer setTimeout fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const CLUSTER = /^[a-z0-9-]{1,63}$/;
const NODE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/;
const ETCD_ENDPOINT = /^https?:\/\/(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})\/?$/;
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
  'logger',
]);
const ETCD_KEYS = new Set([
  'endpoints',
  'cluster',
  'dialTimeoutMs',
  'callTimeoutMs',
  'username',
  'password',
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
      : { kind: 'static', nodes: resolveNodes(options.nodes, transport) },
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
    logger: resolveLogger(options.logger),
  };
}

/**
 * Validated etcd options. `at` names the option in messages (`RingcacheClient option etcd`, say);
 * `withCluster` false for the name resolver, whose target names the cluster.
 */
export function resolveEtcdOptions(etcd: unknown, at: string, withCluster: boolean): ResolvedEtcdOptions {
  if (typeof etcd !== 'object' || etcd === null || Array.isArray(etcd))
    throw invalid(`${at} must be an object`, etcd);
  const given = etcd as Partial<RingcacheEtcdOptions>;
  for (const key of Object.keys(given)) {
    if (!ETCD_KEYS.has(key) || (key === 'cluster' && !withCluster)) throw invalid(`unknown ${at}.${key}`);
  }
  const { endpoints } = given;
  if (!Array.isArray(endpoints) || endpoints.length === 0)
    throw invalid(`${at}.endpoints must be a non-empty list of http(s)://host:port`, endpoints);
  endpoints.forEach((endpoint, i) => {
    const match = typeof endpoint === 'string' ? ETCD_ENDPOINT.exec(endpoint) : null;
    if (!match || !isPort(match[1]))
      throw invalid(`${at}.endpoints[${i}] must be http://host:port or https://host:port`, endpoint);
  });
  const cluster = given.cluster ?? CLIENT_DEFAULTS.cluster;
  if (typeof cluster !== 'string' || !CLUSTER.test(cluster))
    throw invalid(`${at}.cluster must be 1 to 63 of a-z 0-9 -`, cluster);
  for (const field of ['username', 'password'] as const) {
    if (given[field] !== undefined && typeof given[field] !== 'string')
      throw invalid(`${at}.${field} must be a string`, given[field]);
  }
  const tls = given.tls;
  if (tls !== undefined) {
    if (typeof tls !== 'object' || tls === null) throw invalid(`${at}.tls must be an object`, tls);
    for (const [field, path] of Object.entries(tls)) {
      if (!['caFile', 'certFile', 'keyFile'].includes(field)) throw invalid(`unknown ${at}.tls.${field}`);
      if (typeof path !== 'string') throw invalid(`${at}.tls.${field} must be a file path`, path);
    }
  }
  return {
    endpoints: endpoints.map((endpoint: string) => endpoint.replace(/\/$/, '')),
    cluster,
    dialTimeoutMs: integer(
      `${at}.dialTimeoutMs`,
      given.dialTimeoutMs,
      CLIENT_DEFAULTS.dialTimeoutMs,
      1,
      MAX_TIMER_MS,
    ),
    callTimeoutMs: integer(
      `${at}.callTimeoutMs`,
      given.callTimeoutMs,
      CLIENT_DEFAULTS.callTimeoutMs,
      1,
      MAX_TIMER_MS,
    ),
    username: given.username || undefined,
    password: given.password,
    tls,
  };
}

/**
 * The fixed node list as members: names unique and valid, addresses host:port, and an HTTP address on every
 * node when the client calls them over HTTP.
 */
function resolveNodes(nodes: unknown, transport: ClientTransport): Member[] {
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

/** An integer option in [min, max], or its default when absent; `option` names it in the message. */
export function integer(
  option: string,
  value: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw invalid(`${option} must be an integer ${range}`, value);
  }
  return value;
}

function isHostPort(value: unknown): value is string {
  const match = typeof value === 'string' ? HOST_PORT.exec(value) : null;
  return match !== null && isPort(match[1]);
}

function isPort(digits: string): boolean {
  const port = Number(digits);
  return port >= 1 && port <= 65_535;
}

/** An InvalidArgumentError; with `value`, the message ends with what was given. */
function invalid(message: string, ...value: unknown[]): InvalidArgumentError {
  return new InvalidArgumentError(value.length === 0 ? message : `${message}, got ${show(value[0])}`);
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}
