import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { stringify } from 'yaml';

import { FuzzRandom } from '@ringcache/testing';

import { ConfigError } from './errors';
import { loadConfig } from './load-config';

/** Dotted setting paths of the file, and the environment variables. */
const PATHS = [
  'cluster',
  'node.name',
  'node.host',
  'node.advertiseHost',
  'node.grpcPort',
  'node.httpPort',
  'node.maxInFlight',
  'peers.transport',
  'peers.deadlineMs',
  'peers.vnodes',
  'peers.probes',
  'peers.batchWindowMs',
  'peers.batchMaxKeys',
  'nodes',
  'gateway.host',
  'gateway.port',
  'gateway.maxKeyBytes',
  'gateway.maxValueBytes',
  'gateway.nearCacheBytes',
  'gateway.tls.certFile',
  'gateway.apiKeys',
  'gateway.maxInFlight',
  'mysql.url',
  'mysql.poolSize',
  'sqlite.path',
  'demo.seed',
  'etcd.endpoints',
  'etcd.leaseTtlSeconds',
  'etcd.username',
  'etcd.password',
  'tls.caFile',
  'security.insecure',
  'log.level',
  'log.format',
  'log.slowRequestMs',
  'groups',
];
const ENV = [
  'CLUSTER',
  'DEMO_SEED',
  'ETCD_ENDPOINTS',
  'ETCD_LEASE_TTL_SECONDS',
  'ETCD_PASSWORD',
  'ETCD_USERNAME',
  'GATEWAY_API_KEYS',
  'GATEWAY_HOST',
  'GATEWAY_MAX_IN_FLIGHT',
  'GATEWAY_MAX_KEY_BYTES',
  'GATEWAY_MAX_VALUE_BYTES',
  'GATEWAY_NEAR_CACHE_BYTES',
  'GATEWAY_PORT',
  'GATEWAY_TLS_CERT_FILE',
  'GROUPS',
  'LOG_FORMAT',
  'LOG_LEVEL',
  'MYSQL_URL',
  'MYSQL_POOL_SIZE',
  'NODES',
  'NODE_ADVERTISE_HOST',
  'NODE_GRPC_PORT',
  'NODE_HOST',
  'NODE_HTTP_PORT',
  'NODE_NAME',
  'PEERS_BATCH_MAX_KEYS',
  'PEERS_DEADLINE_MS',
  'PEERS_TRANSPORT',
  'PEERS_VNODES',
  'SECURITY_INSECURE',
  'SQLITE_PATH',
  'TLS_CA_FILE',
  'TTL_WORKER_PORT',
].map((name) => `RINGCACHE_${name}`);

/** A value a setting might be given: plausible, out of range, of the wrong type, or odd text. */
function value(random: FuzzRandom): unknown {
  return random.oneOf<unknown>([
    () => random.pick([0, 1, -1, 8001, 65_536, 1.5, 2 ** 53, Number.NaN, Infinity]),
    () =>
      random.pick([
        'grpc',
        'http',
        'debug',
        'json',
        '30s',
        '64MiB',
        '0.0.0.0',
        '127.0.0.1:8001',
        'true',
        'no',
      ]),
    () => random.pick([true, false, null, [], {}]),
    () => random.json(3),
    () => random.unicode(random.int(0, 20)),
    () => ({
      scores: { ttl: random.json(1), maxBytes: random.json(1), table: random.json(1) },
      ['__proto__']: 1,
    }),
    () => [{ name: random.json(1), grpc: random.json(1), http: random.json(1) }],
  ]);
}

/** A YAML document: settings at random paths, a random tree, or broken YAML text. */
function yamlDocument(random: FuzzRandom): string {
  return random.oneOf([
    () => {
      const doc: Record<string, unknown> = {};
      for (let i = random.int(0, 8); i > 0; i--) {
        const path = random.pick(PATHS).split('.');
        let at = doc;
        for (const part of path.slice(0, -1)) {
          if (typeof at[part] !== 'object' || at[part] === null) at[part] = {};
          at = at[part] as Record<string, unknown>;
        }
        at[path[path.length - 1]] = value(random);
      }
      return stringify(doc);
    },
    () => stringify(random.json(4)),
    () =>
      random.pick([
        '',
        '---',
        'a: [',
        'a: b: c',
        '{',
        '- 1\n- 2',
        '!!binary x',
        'a: &x 1\nb: *y',
        '\t- x',
        'null',
      ]),
    () => random.unicode(random.int(0, 200)),
    () => `node:\n${'  x:\n'.repeat(random.int(1, 50))}`,
    () => `a: ${'['.repeat(random.int(1, 500))}`,
  ]);
}

/** Environment values: plausible, empty, odd text, or JSON of the wrong shape. */
function environment(random: FuzzRandom): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (let i = random.int(0, 6); i > 0; i--) {
    const raw = value(random);
    env[random.pick(ENV)] = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? '');
  }
  return env;
}

/**
 * loadConfig on random YAML documents and random environments: it returns a config or throws ConfigError
 * naming the problems — never another exception type.
 */
describe('loadConfig, fuzzed', () => {
  const random = FuzzRandom.fromEnv('config fuzzing');
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ringcache-config-fuzz-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns a config or throws ConfigError with messages', () => {
    const outcomes = { valid: 0, invalid: 0 };
    const count = FuzzRandom.count(1_500);
    for (let i = 0; i < count; i++) {
      const text = yamlDocument(random);
      const env = environment(random);
      const file = join(dir, 'ringcache.yaml');
      writeFileSync(file, text);
      try {
        loadConfig({ env, cwd: dir, file: random.chance(0.8) ? file : undefined });
        outcomes.valid++;
      } catch (error) {
        if (!(error instanceof ConfigError) || error.issues.length === 0)
          throw new Error(`case ${i}: ${String(error)}\nYAML:\n${text}\nenv: ${JSON.stringify(env)}`, {
            cause: error,
          });
        expect(error.issues.every((issue) => typeof issue === 'string' && issue.length > 0)).toBe(true);
        outcomes.invalid++;
      }
    }
    console.log(`config fuzzing: ${outcomes.valid} valid, ${outcomes.invalid} rejected with ConfigError`);
    expect(outcomes.valid + outcomes.invalid).toBe(count);
  });

  it.each([
    ['an alias to an anchor never set', 'a: &x 1\nb: *y\n', /Unresolved alias/],
    ['an alias bomb', aliasBomb(10), /alias/i],
  ])('reports %s as a ConfigError naming the file', (_what, yaml, message) => {
    const file = join(dir, 'alias.yaml');
    writeFileSync(file, yaml);
    const error = (() => {
      try {
        loadConfig({ env: {}, cwd: dir, file });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      expect.stringMatching(new RegExp(`^config file ${file}: `)),
    ]);
    expect((error as ConfigError).issues[0]).toMatch(message);
  });
});

/** YAML whose aliases double `levels` times: a small file that expands to 2^levels entries. */
function aliasBomb(levels: number): string {
  const lines = ['l0: &l0 [1, 1]'];
  for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} [*l${i - 1}, *l${i - 1}]`);
  return `${lines.join('\n')}\n`;
}
