import {
  MAX_TIMER_MS,
  NAME,
  NAME_RULE,
  type Reader,
  bool,
  bytes,
  duration,
  etcdEndpoint,
  fraction,
  fromJson,
  host,
  integer,
  list,
  matching,
  mysqlUrl,
  oneOf,
  orEmpty,
  staticNodes,
  text,
} from './readers';
import { apiKeys } from './api-keys';
import { HIDDEN, redactUrl } from './redact';

/** One setting of the schema: where the environment sets it, its default and how it is read. */
export interface Setting<T> {
  /** The environment variable that overrides the file. */
  env: string;
  /** The value when neither the file nor the environment sets it, written as in the file. */
  default: unknown;
  /** Checks and converts a raw value (from the file, or the variable's text after `fromEnv`). */
  read: Reader<T>;
  /** Turns the variable's text into the file's shape (a list, a JSON structure). Default: the text. */
  fromEnv?: (text: string) => unknown;
  /** How to quote a bad value in messages, for values that may hold secrets. Default: as it is. */
  redact?: (raw: unknown) => unknown;
}

const setting = <T>(s: Setting<T>): Setting<T> => s;
/** A table or column name: plain identifiers only, since they go into SQL unquoted by the user. */
const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const SQL_IDENTIFIER_RULE = 'an SQL identifier: a letter or _, then up to 63 of A-Z a-z 0-9 _';
const groupField = <T>(s: GroupField<T>): GroupField<T> => s;

const port = integer(0, 65535);
const positive = integer(1);
const timeoutMs = integer(1, MAX_TIMER_MS);
const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/**
 * Every scalar setting and list, by its path in the file. `groups` is not here: it is a map merged from
 * the file and RINGCACHE_GROUPS field by field (see groups.ts).
 */
export const SETTINGS = {
  cluster: setting({
    env: 'RINGCACHE_CLUSTER',
    default: 'ringcache',
    read: matching(/^[a-z0-9-]{1,63}$/, '1 to 63 of a-z 0-9 -'),
  }),
  'node.name': setting({
    env: 'RINGCACHE_NODE_NAME',
    default: '',
    read: orEmpty(matching(NAME, NAME_RULE)),
  }),
  'node.host': setting({ env: 'RINGCACHE_NODE_HOST', default: '127.0.0.1', read: host }),
  'node.advertiseHost': setting({ env: 'RINGCACHE_NODE_ADVERTISE_HOST', default: '', read: orEmpty(host) }),
  'node.grpcPort': setting({ env: 'RINGCACHE_NODE_GRPC_PORT', default: 8001, read: port }),
  'node.httpPort': setting({ env: 'RINGCACHE_NODE_HTTP_PORT', default: 8101, read: port }),
  'peers.transport': setting({
    env: 'RINGCACHE_PEERS_TRANSPORT',
    default: 'grpc',
    read: oneOf('grpc', 'http'),
  }),
  'peers.deadlineMs': setting({ env: 'RINGCACHE_PEERS_DEADLINE_MS', default: 3000, read: timeoutMs }),
  'peers.vnodes': setting({ env: 'RINGCACHE_PEERS_VNODES', default: 160, read: integer(1, 10_000) }),
  'peers.probes': setting({ env: 'RINGCACHE_PEERS_PROBES', default: 8, read: integer(1, 64) }),
  'peers.batchWindowMs': setting({
    env: 'RINGCACHE_PEERS_BATCH_WINDOW_MS',
    default: 0,
    read: integer(0, 1_000),
  }),
  'peers.batchMaxKeys': setting({
    env: 'RINGCACHE_PEERS_BATCH_MAX_KEYS',
    default: 1000,
    read: integer(1, 1_000),
  }),
  // Outlier detection: a node that failed this many calls in a row (no answer in time, no connection) is
  // skipped for the cooldown — reads go to the next owner at once — then probed; 0 turns it off.
  'peers.outlierFailures': setting({
    env: 'RINGCACHE_PEERS_OUTLIER_FAILURES',
    default: 3,
    read: integer(0, 1_000),
  }),
  'peers.outlierCooldown': setting({
    env: 'RINGCACHE_PEERS_OUTLIER_COOLDOWN',
    default: '5s',
    read: duration(1, MAX_TIMER_MS),
  }),
  nodes: setting({ env: 'RINGCACHE_NODES', default: [], read: staticNodes, fromEnv: fromJson }),
  'gateway.host': setting({ env: 'RINGCACHE_GATEWAY_HOST', default: '127.0.0.1', read: host }),
  'gateway.port': setting({ env: 'RINGCACHE_GATEWAY_PORT', default: 9999, read: port }),
  'gateway.maxKeyBytes': setting({ env: 'RINGCACHE_GATEWAY_MAX_KEY_BYTES', default: 1024, read: bytes(1) }),
  'gateway.maxValueBytes': setting({
    env: 'RINGCACHE_GATEWAY_MAX_VALUE_BYTES',
    default: '1MiB',
    read: bytes(1),
  }),
  // The near cache: answers kept by the gateway, dropped on the owners' invalidations. 0 turns it off.
  'gateway.nearCacheBytes': setting({
    env: 'RINGCACHE_GATEWAY_NEAR_CACHE_BYTES',
    default: '32MiB',
    read: bytes(0),
  }),
  // Trust boundary and load shedding of the gateway (README, "API keys and protected mode at the gateway").
  'gateway.tls.certFile': setting({ env: 'RINGCACHE_GATEWAY_TLS_CERT_FILE', default: '', read: text }),
  'gateway.tls.keyFile': setting({ env: 'RINGCACHE_GATEWAY_TLS_KEY_FILE', default: '', read: text }),
  'gateway.apiKeys': setting({
    env: 'RINGCACHE_GATEWAY_API_KEYS',
    default: [],
    read: apiKeys,
    fromEnv: fromJson,
  }),
  'gateway.maxInFlight': setting({
    env: 'RINGCACHE_GATEWAY_MAX_IN_FLIGHT',
    default: 10_000,
    read: integer(1, 1_000_000),
  }),
  'gateway.requestTimeoutMs': setting({
    env: 'RINGCACHE_GATEWAY_REQUEST_TIMEOUT_MS',
    default: 30_000,
    read: timeoutMs,
  }),
  'gateway.maxEventStreams': setting({
    env: 'RINGCACHE_GATEWAY_MAX_EVENT_STREAMS',
    default: 64,
    read: integer(1, 10_000),
  }),
  'node.maxInFlight': setting({
    env: 'RINGCACHE_NODE_MAX_IN_FLIGHT',
    default: 20_000,
    read: integer(1, 1_000_000),
  }),
  'node.requestTimeoutMs': setting({
    env: 'RINGCACHE_NODE_REQUEST_TIMEOUT_MS',
    default: 30_000,
    read: timeoutMs,
  }),
  'ttlWorker.host': setting({ env: 'RINGCACHE_TTL_WORKER_HOST', default: '127.0.0.1', read: host }),
  'ttlWorker.port': setting({ env: 'RINGCACHE_TTL_WORKER_PORT', default: 8200, read: port }),
  'mysql.url': setting({
    env: 'RINGCACHE_MYSQL_URL',
    default: '',
    read: mysqlUrl,
    redact: redactText(redactUrl),
  }),
  'mysql.connectTimeoutMs': setting({
    env: 'RINGCACHE_MYSQL_CONNECT_TIMEOUT_MS',
    default: 2000,
    read: timeoutMs,
  }),
  'mysql.poolSize': setting({ env: 'RINGCACHE_MYSQL_POOL_SIZE', default: 10, read: positive }),
  'sqlite.path': setting({
    env: 'RINGCACHE_SQLITE_PATH',
    default: 'data/ringcache.sqlite',
    read: matching(/^.+$/, 'a file path or :memory:'),
  }),
  'demo.seed': setting({ env: 'RINGCACHE_DEMO_SEED', default: true, read: bool }),
  'etcd.endpoints': setting({
    env: 'RINGCACHE_ETCD_ENDPOINTS',
    default: [],
    read: list(etcdEndpoint),
    fromEnv: commaList,
  }),
  'etcd.dialTimeoutMs': setting({ env: 'RINGCACHE_ETCD_DIAL_TIMEOUT_MS', default: 2000, read: timeoutMs }),
  'etcd.leaseTtlSeconds': setting({
    env: 'RINGCACHE_ETCD_LEASE_TTL_SECONDS',
    default: 5,
    read: integer(2, 300),
  }),
  'etcd.username': setting({ env: 'RINGCACHE_ETCD_USERNAME', default: '', read: text }),
  'etcd.password': setting({ env: 'RINGCACHE_ETCD_PASSWORD', default: '', read: text, redact: () => HIDDEN }),
  'etcd.tls.caFile': setting({ env: 'RINGCACHE_ETCD_TLS_CA_FILE', default: '', read: text }),
  'etcd.tls.certFile': setting({ env: 'RINGCACHE_ETCD_TLS_CERT_FILE', default: '', read: text }),
  'etcd.tls.keyFile': setting({ env: 'RINGCACHE_ETCD_TLS_KEY_FILE', default: '', read: text }),
  // Mutual TLS between every ringcache process: all three files, or none (plaintext).
  'tls.caFile': setting({ env: 'RINGCACHE_TLS_CA_FILE', default: '', read: text }),
  'tls.certFile': setting({ env: 'RINGCACHE_TLS_CERT_FILE', default: '', read: text }),
  'tls.keyFile': setting({ env: 'RINGCACHE_TLS_KEY_FILE', default: '', read: text }),
  // Protected mode's way out: listen on a non-loopback address without API keys (gateway) or tls (node), knowingly.
  'security.insecure': setting({ env: 'RINGCACHE_SECURITY_INSECURE', default: false, read: bool }),
  'log.level': setting({
    env: 'RINGCACHE_LOG_LEVEL',
    default: 'info',
    read: oneOf('debug', 'info', 'warn', 'error'),
  }),
  'log.format': setting({
    env: 'RINGCACHE_LOG_FORMAT',
    default: 'auto',
    read: oneOf('auto', 'json', 'pretty'),
  }),
  'log.slowRequestMs': setting({
    env: 'RINGCACHE_LOG_SLOW_REQUEST_MS',
    default: 1000,
    read: integer(0, MAX_TIMER_MS),
  }),
};

/** The path of a setting in the file, e.g. `node.grpcPort`. */
export type SettingPath = keyof typeof SETTINGS;

/** The typed value of a setting. */
export type SettingValue<P extends SettingPath> = (typeof SETTINGS)[P] extends Setting<infer T> ? T : never;

/** The variable naming the YAML file to read (instead of `<cwd>/config/ringcache.yaml`). */
export const CONFIG_FILE_ENV = 'RINGCACHE_CONFIG';

/** The variable holding a JSON object of groups, merged field by field over the file's groups. */
export const GROUPS_ENV = 'RINGCACHE_GROUPS';

/** A setting of a group: no variable of its own, since RINGCACHE_GROUPS sets them all. */
export type GroupField<T> = Pick<Setting<T>, 'default' | 'read'>;

/** The settings of one group, by their name in the file, with the defaults of a group not configured. */
export const GROUP_SETTINGS = {
  maxBytes: groupField({ default: '64MiB', read: bytes(1) }),
  ttl: groupField({ default: 0, read: duration(0) }),
  negativeTtl: groupField({ default: '30s', read: duration(0) }),
  hotShare: groupField({ default: 0.125, read: fraction(0, 0.5) }),
  // Hot-key counting (GET /api/v1/groups/:group/hot): keys counted at once per group and process (the
  // memory bound; 0 = not counted), and the time constant of the decay of their counts.
  hotKeys: groupField({ default: 256, read: integer(0, 65_536) }),
  hotKeyWindow: groupField({ default: '60s', read: duration(1000, MAX_TIMER_MS) }),
  // A timer: Node.js fires a longer one after 1 ms, which would fail every load at once.
  loadTimeout: groupField({ default: '2500ms', read: duration(1, MAX_TIMER_MS) }),
  // Stale-on-error: how long past its expiry a value may still be served when reloading it fails; 0 = off.
  staleOnError: groupField({ default: 0, read: duration(0, MAX_TIMER_MS) }),
  // A group read straight from a table, with no code: the row whose keyColumn equals the key, and its
  // valueColumn as the value. Empty for groups whose loader is registered in code.
  table: groupField({ default: '', read: orEmpty(matching(SQL_IDENTIFIER, SQL_IDENTIFIER_RULE)) }),
  keyColumn: groupField({ default: '', read: orEmpty(matching(SQL_IDENTIFIER, SQL_IDENTIFIER_RULE)) }),
  valueColumn: groupField({ default: '', read: orEmpty(matching(SQL_IDENTIFIER, SQL_IDENTIFIER_RULE)) }),
};

/** The groups when the file lists none: the demo's `scores` (values cached for five minutes). */
export const DEFAULT_GROUPS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = Object.freeze({
  scores: Object.freeze({
    maxBytes: '64MiB',
    ttl: '5m',
    negativeTtl: '30s',
    hotShare: 0.125,
    loadTimeout: '2500ms',
  }),
});

function redactText(redact: (value: string) => string): (raw: unknown) => unknown {
  return (raw) => (typeof raw === 'string' ? redact(raw) : raw);
}
