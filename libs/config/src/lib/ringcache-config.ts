/**
 * The typed configuration every app receives. Durations are in ms and sizes in bytes; defaults are
 * applied and every value validated. See config/ringcache.yaml for what each setting means.
 *
 * The object is deeply frozen. Arrays are typed mutable all the same, so that they can be handed to
 * APIs that take `string[]` (etcd3's `hosts`, say); writing to them throws.
 */
export interface RingcacheConfig {
  /** Isolates deployments sharing one etcd: every key lives under `ringcache/<cluster>/`. */
  readonly cluster: string;
  /** This process as a cache node. */
  readonly node: NodeConfig;
  /** How nodes and gateways call nodes. */
  readonly peers: PeersConfig;
  /** Static membership, used when `etcd.endpoints` is empty. */
  readonly nodes: StaticNode[];
  readonly gateway: GatewayConfig;
  readonly ttlWorker: ListenConfig;
  /** MySQL, when `url` is set; otherwise the embedded SQLite database below. */
  readonly mysql: MysqlConfig;
  readonly sqlite: SqliteConfig;
  readonly demo: DemoConfig;
  readonly etcd: EtcdConfig;
  /** Mutual TLS between ringcache processes. */
  readonly tls: TlsConfig;
  /** Cache groups by name. A group not listed here uses `groupConfig`'s defaults. */
  readonly groups: Readonly<Record<string, GroupConfig>>;
  readonly log: LogConfig;
  /** Protected mode: see SecurityConfig. */
  readonly security: SecurityConfig;
  /** Where the values came from: the YAML file read, if any (absolute path). */
  readonly source: { readonly file?: string };
}

/** A host and port to listen on. */
export interface ListenConfig {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

/** This process as a cache node. */
export interface NodeConfig {
  /** Unique name on the ring; its hash places the node. Default `<os hostname>-<grpcPort>`. */
  readonly name: string;
  /** Listen address of the node's gRPC and HTTP servers. */
  readonly host: string;
  /** Address peers dial: `host`, or the os hostname when `host` is a wildcard (0.0.0.0 / ::). */
  readonly advertiseHost: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  /** Most peer requests (HTTP and gRPC together) served at once; past it, 503 / RESOURCE_EXHAUSTED at once. */
  readonly maxInFlight: number;
  /**
   * Longest a client may take to send a whole request to the HTTP port, headers and body; past it, 408 and
   * the connection closed. Frame connections and streams, once set up, are not affected.
   */
  readonly requestTimeoutMs: number;
}

/** Protocol of node-to-node and gateway-to-node calls. */
export type PeerTransport = 'grpc' | 'http';

/** How nodes and gateways call nodes. */
export interface PeersConfig {
  readonly transport: PeerTransport;
  /** Deadline of each call to a peer, in ms. */
  readonly deadlineMs: number;
  /** Virtual nodes per node on the hash ring. */
  readonly vnodes: number;
  /** Positions each key probes on the ring; more even shares. Must be the same on every process. */
  readonly probes: number;
  /** How long the first get to a node waits for others to share its GetMany, in ms; 0: the same tick. */
  readonly batchWindowMs: number;
  /** Most keys in one batched GetMany, 1 to 1,000. */
  readonly batchMaxKeys: number;
  /** Calls in a row a peer failed (timeout, no connection) before it is skipped; 0: never skipped. */
  readonly outlierFailures: number;
  /** How long a skipped peer is skipped before a probe, in ms; doubles while probes fail, up to 8×. */
  readonly outlierCooldownMs: number;
}

/** One member of a static cluster. */
export interface StaticNode {
  readonly name: string;
  /** `host:port` of its gRPC server. */
  readonly grpc: string;
  /** `host:port` of its HTTP server. */
  readonly http: string;
}

/** The public HTTP API. */
export interface GatewayConfig extends ListenConfig {
  readonly maxKeyBytes: number;
  readonly maxValueBytes: number;
  /** Budget of the gateway's near cache (answers kept until an owner invalidates them); 0 = off. */
  readonly nearCacheBytes: number;
  // Trust boundary and load shedding of the public API (see gateway-security in the README).
  /** Serve HTTPS with this certificate and key (files re-read when they change); empty: plain HTTP. */
  readonly tls: GatewayTlsConfig;
  /** Keys callers must present as `Authorization: Bearer <key>`; empty: no authentication. */
  readonly apiKeys: ApiKeyConfig[];
  /** Most requests served at once; past it, 503 `overloaded` with Retry-After at once. */
  readonly maxInFlight: number;
  /** Longest a client may take to send a whole request, headers and body; past it, 408 and the connection closed. */
  readonly requestTimeoutMs: number;
  /** Most dashboard event streams open at once (not counted in flight); one more is answered 503 `overloaded`. */
  readonly maxEventStreams: number;
}

/** The gateway's HTTPS certificate: PEM file paths, both empty for plain HTTP. */
export interface GatewayTlsConfig {
  readonly certFile: string;
  readonly keyFile: string;
}

/** What an API key may do: `read` keys, `write` keys, `admin` everything else (flush, stats, docs). */
export type ApiScope = 'read' | 'write' | 'admin';

/** One API key of the gateway. The key itself is never configured, only its SHA-256. */
export interface ApiKeyConfig {
  /** Unique; names the caller in logs and metrics. */
  readonly name: string;
  /** SHA-256 of the key, 64 lowercase hex digits (`printf %s "$KEY" | sha256sum`). */
  readonly sha256: string;
  readonly scopes: ApiScope[];
  /** A token bucket per key: refilled at perSecond, holding at most burst; absent: no limit. */
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number };
}

/** Protected mode. */
export interface SecurityConfig {
  /**
   * Lets a process listen on a non-loopback address without its protection: a gateway without API keys,
   * a node without `tls`. Default false: such a process refuses to start.
   */
  readonly insecure: boolean;
}

/** MySQL (or MariaDB) as the source of truth. */
export interface MysqlConfig {
  /** `mysql://user:password@host:port/database`; empty means use SQLite. */
  readonly url: string;
  readonly connectTimeoutMs: number;
  readonly poolSize: number;
}

/** The embedded database used when no MySQL URL is set. */
export interface SqliteConfig {
  /** Absolute path of the database file, or `:memory:`. */
  readonly path: string;
}

/** The demo data of `npm start`. */
export interface DemoConfig {
  /** Create and seed the demo `student` table when it is missing. */
  readonly seed: boolean;
}

/** etcd, for membership and the delay queue. */
export interface EtcdConfig {
  /** `http(s)://host:port` of each member; empty means static membership from `nodes`. */
  readonly endpoints: string[];
  readonly dialTimeoutMs: number;
  /** Lease of a node's registration, in seconds: how long a crashed node stays on the ring. */
  readonly leaseTtlSeconds: number;
  /** Empty means no authentication. */
  readonly username: string;
  readonly password: string;
  /** File paths; empty means plain TCP (or the system CAs, for an https endpoint without caFile). */
  readonly tls: { readonly caFile: string; readonly certFile: string; readonly keyFile: string };
}

/**
 * Mutual TLS between ringcache processes: nodes accept only peers presenting a certificate from `caFile`,
 * and every process presents `certFile` to the nodes it calls. All three set, or all empty (plaintext).
 * Absolute paths; the files are watched, so rotated certificates are used without a restart.
 */
export interface TlsConfig {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Settings of one cache group. */
export interface GroupConfig {
  /** Memory budget of the group's main and hot caches together. */
  readonly maxBytes: number;
  /** Time to live of loaded values; 0 means until evicted. */
  readonly ttlMs: number;
  /** Time to live of a cached "not found". */
  readonly negativeTtlMs: number;
  /** Share of maxBytes for copies of hot keys owned by other nodes, in [0, 0.5]. */
  readonly hotShare: number;
  /** Keys whose requests are counted per process to tell the hottest (the memory bound); 0 = not counted. */
  readonly hotKeyCapacity: number;
  /** Time constant in ms of the decay of those counts: a request this old counts e^-1 of a new one. */
  readonly hotKeyWindowMs: number;
  /** A load taking longer fails; always below `peers.deadlineMs`. */
  readonly loadTimeoutMs: number;
  /** Stale-on-error grace: how long past its expiry a value is still served if reloading fails; 0 = off. */
  readonly staleGraceMs: number;
  /**
   * Where a group with no loader in code reads its values: one row of `table` by `keyColumn`, the value
   * being `valueColumn`. Undefined for groups registered in code.
   */
  readonly source?: GroupSource;
}

/** A table-backed group's row lookup. */
export interface GroupSource {
  readonly table: string;
  readonly keyColumn: string;
  readonly valueColumn: string;
}

/** Least severe log level printed. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** How log lines are written: JSON lines, a format for people, or `auto` (pretty on a terminal). */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** Logging. */
export interface LogConfig {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** HTTP requests taking at least this many ms are logged as warnings; 0: none. */
  readonly slowRequestMs: number;
}
