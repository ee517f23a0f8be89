import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { loadConfig } from './load-config';
import type { RingcacheConfig } from './ringcache-config';
import { CONFIG_FILE_ENV, GROUPS_ENV, SETTINGS } from './settings';

/**
 * Every variable, a value to set it to, where it must land and what it must become. Written out by hand
 * rather than derived from SETTINGS, so that a wrong mapping in the table fails here.
 */
const VARIABLES: [
  variable: string,
  text: string,
  pick: (c: RingcacheConfig) => unknown,
  expected: unknown,
][] = [
  ['RINGCACHE_CLUSTER', 'prod-eu-1', (c) => c.cluster, 'prod-eu-1'],
  ['RINGCACHE_NODE_NAME', 'node7', (c) => c.node.name, 'node7'],
  ['RINGCACHE_NODE_HOST', '10.0.0.7', (c) => c.node.host, '10.0.0.7'],
  ['RINGCACHE_NODE_ADVERTISE_HOST', 'cache-7.internal', (c) => c.node.advertiseHost, 'cache-7.internal'],
  ['RINGCACHE_NODE_GRPC_PORT', '9001', (c) => c.node.grpcPort, 9001],
  ['RINGCACHE_NODE_HTTP_PORT', '9101', (c) => c.node.httpPort, 9101],
  ['RINGCACHE_PEERS_TRANSPORT', 'http', (c) => c.peers.transport, 'http'],
  ['RINGCACHE_PEERS_DEADLINE_MS', '4000', (c) => c.peers.deadlineMs, 4000],
  ['RINGCACHE_PEERS_VNODES', '50', (c) => c.peers.vnodes, 50],
  ['RINGCACHE_PEERS_PROBES', '3', (c) => c.peers.probes, 3],
  ['RINGCACHE_PEERS_BATCH_WINDOW_MS', '2', (c) => c.peers.batchWindowMs, 2],
  ['RINGCACHE_PEERS_BATCH_MAX_KEYS', '64', (c) => c.peers.batchMaxKeys, 64],
  ['RINGCACHE_PEERS_OUTLIER_FAILURES', '0', (c) => c.peers.outlierFailures, 0],
  ['RINGCACHE_PEERS_OUTLIER_COOLDOWN', '2s', (c) => c.peers.outlierCooldownMs, 2_000],
  [
    'RINGCACHE_NODES',
    '[{"name":"n1","grpc":"10.0.0.1:8001","http":"10.0.0.1:8101"}]',
    (c) => c.nodes,
    [{ name: 'n1', grpc: '10.0.0.1:8001', http: '10.0.0.1:8101' }],
  ],
  ['RINGCACHE_GATEWAY_HOST', '0.0.0.0', (c) => c.gateway.host, '0.0.0.0'],
  ['RINGCACHE_GATEWAY_PORT', '8080', (c) => c.gateway.port, 8080],
  ['RINGCACHE_GATEWAY_MAX_KEY_BYTES', '2KiB', (c) => c.gateway.maxKeyBytes, 2048],
  ['RINGCACHE_GATEWAY_MAX_VALUE_BYTES', '4MiB', (c) => c.gateway.maxValueBytes, 4_194_304],
  ['RINGCACHE_GATEWAY_NEAR_CACHE_BYTES', '0', (c) => c.gateway.nearCacheBytes, 0],
  ['RINGCACHE_TTL_WORKER_HOST', '10.0.0.9', (c) => c.ttlWorker.host, '10.0.0.9'],
  ['RINGCACHE_TTL_WORKER_PORT', '8300', (c) => c.ttlWorker.port, 8300],
  [
    'RINGCACHE_MYSQL_URL',
    'mysql://root@127.0.0.1:3306/test',
    (c) => c.mysql.url,
    'mysql://root@127.0.0.1:3306/test',
  ],
  ['RINGCACHE_MYSQL_CONNECT_TIMEOUT_MS', '500', (c) => c.mysql.connectTimeoutMs, 500],
  ['RINGCACHE_MYSQL_POOL_SIZE', '4', (c) => c.mysql.poolSize, 4],
  ['RINGCACHE_SQLITE_PATH', ':memory:', (c) => c.sqlite.path, ':memory:'],
  ['RINGCACHE_DEMO_SEED', '0', (c) => c.demo.seed, false],
  [
    'RINGCACHE_ETCD_ENDPOINTS',
    'http://127.0.0.1:2379, https://etcd-2:22379/',
    (c) => c.etcd.endpoints,
    ['http://127.0.0.1:2379', 'https://etcd-2:22379'],
  ],
  ['RINGCACHE_ETCD_DIAL_TIMEOUT_MS', '1500', (c) => c.etcd.dialTimeoutMs, 1500],
  ['RINGCACHE_ETCD_LEASE_TTL_SECONDS', '10', (c) => c.etcd.leaseTtlSeconds, 10],
  ['RINGCACHE_ETCD_USERNAME', 'root', (c) => c.etcd.username, 'root'],
  ['RINGCACHE_ETCD_PASSWORD', 's3cret', (c) => c.etcd.password, 's3cret'],
  ['RINGCACHE_ETCD_TLS_CA_FILE', '/etc/etcd/ca.pem', (c) => c.etcd.tls.caFile, '/etc/etcd/ca.pem'],
  [
    'RINGCACHE_ETCD_TLS_CERT_FILE',
    '/etc/etcd/client.pem',
    (c) => c.etcd.tls.certFile,
    '/etc/etcd/client.pem',
  ],
  [
    'RINGCACHE_ETCD_TLS_KEY_FILE',
    '/etc/etcd/client-key.pem',
    (c) => c.etcd.tls.keyFile,
    '/etc/etcd/client-key.pem',
  ],
  [
    'RINGCACHE_GROUPS',
    '{"users":{"maxBytes":"1MiB","ttl":"1h"}}',
    (c) => c.groups['users'],
    {
      maxBytes: 1_048_576,
      ttlMs: 3_600_000,
      negativeTtlMs: 30_000,
      hotShare: 0.125,
      hotKeyCapacity: 256,
      hotKeyWindowMs: 60_000,
      loadTimeoutMs: 2500,
      staleGraceMs: 0,
    },
  ],
  // Read only for being readable: /dev/null is.
  ['RINGCACHE_TLS_CA_FILE', '/dev/null', (c) => c.tls.caFile, '/dev/null'],
  ['RINGCACHE_TLS_CERT_FILE', '/dev/null', (c) => c.tls.certFile, '/dev/null'],
  ['RINGCACHE_TLS_KEY_FILE', '/dev/null', (c) => c.tls.keyFile, '/dev/null'],
  ['RINGCACHE_SECURITY_INSECURE', 'true', (c) => c.security.insecure, true],
  ['RINGCACHE_LOG_LEVEL', 'debug', (c) => c.log.level, 'debug'],
  ['RINGCACHE_LOG_FORMAT', 'pretty', (c) => c.log.format, 'pretty'],
  ['RINGCACHE_LOG_SLOW_REQUEST_MS', '250', (c) => c.log.slowRequestMs, 250],
  // The gateway's trust boundary and load shedding.
  ['RINGCACHE_GATEWAY_TLS_CERT_FILE', '/tls/gw.pem', (c) => c.gateway.tls.certFile, '/tls/gw.pem'],
  ['RINGCACHE_GATEWAY_TLS_KEY_FILE', '/tls/gw-key.pem', (c) => c.gateway.tls.keyFile, '/tls/gw-key.pem'],
  [
    'RINGCACHE_GATEWAY_API_KEYS',
    `[{"name":"app","sha256":"${'AB'.repeat(32)}","scopes":["read","write"]}]`,
    (c) => c.gateway.apiKeys,
    [{ name: 'app', sha256: 'ab'.repeat(32), scopes: ['read', 'write'] }],
  ],
  ['RINGCACHE_GATEWAY_MAX_IN_FLIGHT', '500', (c) => c.gateway.maxInFlight, 500],
  ['RINGCACHE_GATEWAY_REQUEST_TIMEOUT_MS', '1500', (c) => c.gateway.requestTimeoutMs, 1500],
  ['RINGCACHE_GATEWAY_MAX_EVENT_STREAMS', '3', (c) => c.gateway.maxEventStreams, 3],
  ['RINGCACHE_NODE_MAX_IN_FLIGHT', '800', (c) => c.node.maxInFlight, 800],
  ['RINGCACHE_NODE_REQUEST_TIMEOUT_MS', '2500', (c) => c.node.requestTimeoutMs, 2500],
];

/** Variables that are only valid together with another one. */
const COMPANIONS: Record<string, Record<string, string>> = {
  RINGCACHE_ETCD_TLS_CERT_FILE: { RINGCACHE_ETCD_TLS_KEY_FILE: '/k.pem' },
  RINGCACHE_ETCD_TLS_KEY_FILE: { RINGCACHE_ETCD_TLS_CERT_FILE: '/c.pem' },
  RINGCACHE_GATEWAY_TLS_CERT_FILE: { RINGCACHE_GATEWAY_TLS_KEY_FILE: '/k.pem' },
  RINGCACHE_GATEWAY_TLS_KEY_FILE: { RINGCACHE_GATEWAY_TLS_CERT_FILE: '/c.pem' },
  RINGCACHE_TLS_CA_FILE: { RINGCACHE_TLS_CERT_FILE: '/dev/null', RINGCACHE_TLS_KEY_FILE: '/dev/null' },
  RINGCACHE_TLS_CERT_FILE: { RINGCACHE_TLS_CA_FILE: '/dev/null', RINGCACHE_TLS_KEY_FILE: '/dev/null' },
  RINGCACHE_TLS_KEY_FILE: { RINGCACHE_TLS_CA_FILE: '/dev/null', RINGCACHE_TLS_CERT_FILE: '/dev/null' },
};

const REPO_ROOT = resolve(__dirname, '../../../..');
const ALL_VARIABLES = [...Object.values(SETTINGS).map((s) => s.env), GROUPS_ENV];
let cwd: string;

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'ringcache-settings-'));
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe('environment variables', () => {
  it.each(VARIABLES)('%s=%j sets its setting', (variable, text, pick, expected) => {
    const companions = COMPANIONS[variable] ?? {};
    expect(pick(loadConfig({ env: {}, cwd }))).not.toEqual(expected);
    expect(pick(loadConfig({ env: { ...companions, [variable]: text }, cwd }))).toEqual(expected);
  });

  it('are all in the table above, and nothing else is', () => {
    expect(VARIABLES.map(([variable]) => variable).sort()).toEqual([...ALL_VARIABLES].sort());
  });

  it('are documented in the README and in the committed config file', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const yaml = readFileSync(join(REPO_ROOT, 'config/ringcache.yaml'), 'utf8');
    for (const variable of [...ALL_VARIABLES, CONFIG_FILE_ENV]) {
      expect({ variable, inReadme: readme.includes(variable) }).toEqual({ variable, inReadme: true });
    }
    // The file groups the three TLS variables as RINGCACHE_ETCD_TLS_CA_FILE / _CERT_FILE / _KEY_FILE.
    for (const variable of [...ALL_VARIABLES, CONFIG_FILE_ENV]) {
      const written = yaml.includes(variable) || yaml.includes(variable.replace(/^RINGCACHE_ETCD_TLS/, ''));
      expect({ variable, inConfigFile: written }).toEqual({ variable, inConfigFile: true });
    }
  });
});

describe('the table of settings', () => {
  it('has defaults that its own readers accept', () => {
    const rejected = Object.entries(SETTINGS).filter(([, setting]) => {
      try {
        setting.read(setting.default);
        return false;
      } catch {
        return true;
      }
    });
    expect(rejected.map(([path]) => path)).toEqual([]);
  });

  it('names each variable RINGCACHE_ + the path in upper snake case', () => {
    for (const [path, setting] of Object.entries(SETTINGS)) {
      const derived = `RINGCACHE_${path
        .replace(/([a-z])([A-Z])/g, '$1_$2')
        .replace(/\./g, '_')
        .toUpperCase()}`;
      expect(setting.env).toBe(derived);
    }
  });
});
