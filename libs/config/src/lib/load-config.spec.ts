import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { ConfigError } from './errors';
import { loadConfig, loadConfigOrExit } from './load-config';
import type { RingcacheConfig } from './ringcache-config';

const REPO_ROOT = resolve(__dirname, '../../../..');
const dirs: string[] = [];

/** A fresh directory with no config/ folder: loading from it sees built-in defaults only. */
function emptyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ringcache-config-'));
  dirs.push(dir);
  return dir;
}

/** Writes `yaml` to `<dir>/<name>` in a fresh directory; returns both paths. */
function yamlFile(yaml: string, name = 'ringcache.yaml'): { cwd: string; file: string } {
  const cwd = emptyDir();
  const file = join(cwd, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, yaml);
  return { cwd, file };
}

/** The issues of the ConfigError that loading throws. */
function issuesOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('gives the documented defaults without a file or variables', () => {
    const cwd = emptyDir();
    const config = loadConfig({ env: {}, cwd });
    expect(config).toEqual<RingcacheConfig>({
      cluster: 'ringcache',
      node: {
        name: expect.stringMatching(/^[A-Za-z0-9_.-]+-8001$/),
        host: '127.0.0.1',
        advertiseHost: '127.0.0.1',
        grpcPort: 8001,
        httpPort: 8101,
        maxInFlight: 20_000,
      },
      peers: {
        transport: 'grpc',
        deadlineMs: 3000,
        vnodes: 160,
        probes: 8,
        batchWindowMs: 0,
        batchMaxKeys: 1000,
        outlierFailures: 3,
        outlierCooldownMs: 5000,
      },
      nodes: [],
      gateway: {
        host: '127.0.0.1',
        port: 9999,
        maxKeyBytes: 1024,
        maxValueBytes: 1_048_576,
        nearCacheBytes: 33_554_432,
        tls: { certFile: '', keyFile: '' },
        apiKeys: [],
        maxInFlight: 10_000,
      },
      ttlWorker: { host: '127.0.0.1', port: 8200 },
      mysql: { url: '', connectTimeoutMs: 2000, poolSize: 10 },
      sqlite: { path: join(cwd, 'data/ringcache.sqlite') },
      demo: { seed: true },
      etcd: {
        endpoints: [],
        dialTimeoutMs: 2000,
        leaseTtlSeconds: 5,
        username: '',
        password: '',
        tls: { caFile: '', certFile: '', keyFile: '' },
      },
      tls: { caFile: '', certFile: '', keyFile: '' },
      groups: {
        scores: {
          maxBytes: 67_108_864,
          ttlMs: 300_000,
          negativeTtlMs: 30_000,
          hotShare: 0.125,
          hotKeyCapacity: 256,
          hotKeyWindowMs: 60_000,
          loadTimeoutMs: 2500,
          staleGraceMs: 0,
        },
      },
      log: { level: 'info', format: 'auto', slowRequestMs: 1000 },
      security: { insecure: false },
      source: {},
    });
  });

  it('names the node after the os hostname and gRPC port by default', () => {
    const config = loadConfig({ env: { RINGCACHE_NODE_GRPC_PORT: '8002' }, cwd: emptyDir() });
    expect(config.node.name).toBe(`${hostname().replace(/[^A-Za-z0-9_.-]/g, '-')}-8002`.slice(-64));
  });

  it('advertises the os hostname when listening on every interface', () => {
    const cwd = emptyDir();
    expect(loadConfig({ env: { RINGCACHE_NODE_HOST: '0.0.0.0' }, cwd }).node.advertiseHost).toBe(hostname());
    expect(loadConfig({ env: { RINGCACHE_NODE_HOST: '::' }, cwd }).node.advertiseHost).toBe(hostname());
    const explicit = { RINGCACHE_NODE_HOST: '0.0.0.0', RINGCACHE_NODE_ADVERTISE_HOST: 'cache-1.internal' };
    expect(loadConfig({ env: explicit, cwd }).node.advertiseHost).toBe('cache-1.internal');
  });

  it('resolves a relative sqlite path against cwd and keeps :memory:', () => {
    const { cwd, file } = yamlFile('sqlite: { path: db/cache.sqlite }\n');
    expect(loadConfig({ env: {}, cwd, file }).sqlite.path).toBe(join(cwd, 'db/cache.sqlite'));
    expect(loadConfig({ env: { RINGCACHE_SQLITE_PATH: ':memory:' }, cwd, file }).sqlite.path).toBe(
      ':memory:',
    );
  });

  describe('precedence', () => {
    const yaml = 'cluster: from-file\nnode:\n  grpcPort: 7001\n  httpPort: 7101\npeers: { vnodes: 40 }\n';

    it('takes the file over defaults, leaving what the file does not set at its default', () => {
      const { cwd, file } = yamlFile(yaml);
      const config = loadConfig({ env: {}, cwd, file });
      expect(config.cluster).toBe('from-file');
      expect(config.node).toMatchObject({ grpcPort: 7001, httpPort: 7101, host: '127.0.0.1' });
      expect(config.peers).toEqual({
        transport: 'grpc',
        deadlineMs: 3000,
        vnodes: 40,
        probes: 8,
        batchWindowMs: 0,
        batchMaxKeys: 1000,
        outlierFailures: 3,
        outlierCooldownMs: 5000,
      });
      expect(config.source.file).toBe(file);
    });

    it('takes the environment over the file', () => {
      const { cwd, file } = yamlFile(yaml);
      const env = { RINGCACHE_CLUSTER: 'from-env', RINGCACHE_NODE_HTTP_PORT: '7201' };
      const config = loadConfig({ env, cwd, file });
      expect(config.cluster).toBe('from-env');
      expect(config.node).toMatchObject({ grpcPort: 7001, httpPort: 7201 });
    });

    it('treats a variable set to the empty string as unset', () => {
      const { cwd, file } = yamlFile(yaml);
      const config = loadConfig({ env: { RINGCACHE_CLUSTER: '', RINGCACHE_NODE_GRPC_PORT: '' }, cwd, file });
      expect(config.cluster).toBe('from-file');
      expect(config.node.grpcPort).toBe(7001);
    });

    it('treats a key with no value as unset', () => {
      const { cwd, file } = yamlFile('cluster:\nnode:\n  grpcPort:\n');
      expect(loadConfig({ env: {}, cwd, file })).toMatchObject({
        cluster: 'ringcache',
        node: { grpcPort: 8001 },
      });
    });
  });

  describe('which file', () => {
    it('reads <cwd>/config/ringcache.yaml when it exists', () => {
      const { cwd, file } = yamlFile('cluster: default-file\n', 'config/ringcache.yaml');
      const config = loadConfig({ env: {}, cwd });
      expect(config.cluster).toBe('default-file');
      expect(config.source.file).toBe(file);
    });

    it('reads the file RINGCACHE_CONFIG names, relative to cwd', () => {
      const { cwd } = yamlFile('cluster: from-variable\n', 'etc/other.yaml');
      expect(loadConfig({ env: { RINGCACHE_CONFIG: 'etc/other.yaml' }, cwd }).cluster).toBe('from-variable');
    });

    it('prefers the file option to RINGCACHE_CONFIG', () => {
      const { cwd, file } = yamlFile('cluster: from-option\n');
      expect(loadConfig({ env: { RINGCACHE_CONFIG: 'nope.yaml' }, cwd, file }).cluster).toBe('from-option');
    });

    it('fails when a file that was asked for is missing, saying who asked', () => {
      const cwd = emptyDir();
      expect(issuesOf(() => loadConfig({ env: {}, cwd, file: 'missing.yaml' }))).toEqual([
        `config file ${join(cwd, 'missing.yaml')}: not found (from the file option)`,
      ]);
      expect(issuesOf(() => loadConfig({ env: { RINGCACHE_CONFIG: 'gone.yaml' }, cwd }))).toEqual([
        `config file ${join(cwd, 'gone.yaml')}: not found (from RINGCACHE_CONFIG)`,
      ]);
    });

    it('reports YAML syntax errors with the file and line', () => {
      const { cwd, file } = yamlFile('node:\n  grpcPort: 1\n  grpcPort: 2\npeers: [\n');
      const issues = issuesOf(() => loadConfig({ env: {}, cwd, file }));
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues) expect(issue).toMatch(new RegExp(`^config file ${file}: .*line \\d+`));
    });

    it('accepts an empty file', () => {
      const { cwd, file } = yamlFile('# nothing set\n');
      expect(loadConfig({ env: {}, cwd, file }).cluster).toBe('ringcache');
    });

    it('refuses a file that is not a mapping', () => {
      const { cwd, file } = yamlFile('- a\n- b\n');
      expect(issuesOf(() => loadConfig({ env: {}, cwd, file }))).toEqual([
        `config file ${file}: must be a mapping of settings, got a list`,
      ]);
    });
  });

  describe('unknown keys in the file', () => {
    it('are errors naming the path, with a suggestion for a typo', () => {
      const { cwd, file } = yamlFile(
        'node:\n  grpcPrt: 1\nnodez: []\netcd:\n  tls: { ca: x }\nwhatever: 1\n',
      );
      expect(issuesOf(() => loadConfig({ env: {}, cwd, file }))).toEqual([
        `node.grpcPrt: unknown setting, did you mean node.grpcPort? (from file ${file})`,
        `nodez: unknown setting, did you mean nodes? (from file ${file})`,
        `etcd.tls.ca: unknown setting (from file ${file})`,
        `whatever: unknown setting (from file ${file})`,
      ]);
    });

    it('include a section that is not a mapping', () => {
      const { cwd, file } = yamlFile('node: 5\n');
      expect(issuesOf(() => loadConfig({ env: {}, cwd, file }))).toEqual([
        `node: must be a mapping of settings, got 5 (from file ${file})`,
      ]);
    });

    it('include keys of static nodes', () => {
      const { cwd, file } = yamlFile('nodes:\n  - { name: a, grpc: "h:1", http: "h:2", weight: 2 }\n');
      expect(issuesOf(() => loadConfig({ env: {}, cwd, file }))).toEqual([
        `nodes[0].weight: unknown setting; a node has name, grpc, http (from file ${file})`,
      ]);
    });
  });

  describe('static nodes', () => {
    it('come from RINGCACHE_NODES as JSON, replacing the file list', () => {
      const { cwd, file } = yamlFile('nodes:\n  - { name: a, grpc: "h:1", http: "h:2" }\n');
      const env = { RINGCACHE_NODES: '[{"name":"b","grpc":"[::1]:8001","http":"cache-b:8101"}]' };
      expect(loadConfig({ env, cwd, file }).nodes).toEqual([
        { name: 'b', grpc: '[::1]:8001', http: 'cache-b:8101' },
      ]);
    });

    it('report every bad entry at once', () => {
      const env = {
        RINGCACHE_NODES: JSON.stringify([
          { name: 'a', grpc: 'h:1', http: 'h:2' },
          { name: 'a', grpc: 'h:3', http: 'h:99999' },
          { name: 'bad name', grpc: 'nope' },
          'c',
        ]),
      };
      expect(issuesOf(() => loadConfig({ env, cwd: emptyDir() }))).toEqual([
        'nodes[1].http: must be host:port, got "h:99999" (from RINGCACHE_NODES)',
        'nodes[1].name: duplicate node name, got "a" (from RINGCACHE_NODES)',
        'nodes[2].name: must be 1 to 64 of A-Z a-z 0-9 _ . -, got "bad name" (from RINGCACHE_NODES)',
        'nodes[2].grpc: must be host:port, got "nope" (from RINGCACHE_NODES)',
        'nodes[2].http: is required (from RINGCACHE_NODES)',
        'nodes[3]: must be a mapping { name, grpc, http }, got "c" (from RINGCACHE_NODES)',
      ]);
    });

    it('report JSON that does not parse', () => {
      const issues = issuesOf(() => loadConfig({ env: { RINGCACHE_NODES: '[{name: a}]' }, cwd: emptyDir() }));
      expect(issues).toEqual([
        expect.stringMatching(
          /^nodes: must be valid JSON .*, got "\[\{name: a\}\]" \(from RINGCACHE_NODES\)$/,
        ),
      ]);
    });
  });

  describe('invalid configuration', () => {
    it('lists every problem at once, each with its value and origin', () => {
      const { cwd, file } = yamlFile(
        'cluster: Bad_Cluster\nnode: { grpcPort: 70000 }\npeers: { transport: udp }\ngateway: { maxValueBytes: 1 potato }\n',
      );
      const env = {
        RINGCACHE_NODE_HTTP_PORT: 'abc',
        RINGCACHE_DEMO_SEED: 'yes',
        RINGCACHE_ETCD_ENDPOINTS: 'localhost:2379',
      };
      let error: unknown;
      try {
        loadConfig({ env, cwd, file });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const { issues, message } = error as ConfigError;
      expect(issues).toEqual([
        `cluster: must be 1 to 63 of a-z 0-9 -, got "Bad_Cluster" (from file ${file})`,
        `node.grpcPort: must be an integer in [0, 65535], got 70000 (from file ${file})`,
        'node.httpPort: must be an integer in [0, 65535], got "abc" (from RINGCACHE_NODE_HTTP_PORT)',
        `peers.transport: must be one of grpc, http, got "udp" (from file ${file})`,
        expect.stringMatching(
          /^gateway\.maxValueBytes: must be a size: .*, got "1 potato" \(from file .*\)$/,
        ),
        'demo.seed: must be true or false (or 1 / 0), got "yes" (from RINGCACHE_DEMO_SEED)',
        'etcd.endpoints[0]: must be http://host:port or https://host:port, got "localhost:2379" (from RINGCACHE_ETCD_ENDPOINTS)',
      ]);
      expect(message).toBe(['invalid ringcache configuration:', ...issues].join('\n'));
    });

    it('never quotes a password', () => {
      const { cwd, file } = yamlFile(
        'etcd: { password: 123456 }\nmysql: { url: "pg://root:hunter2@db/app" }\n',
      );
      const issues = issuesOf(() => loadConfig({ env: {}, cwd, file }));
      expect(issues).toEqual([
        expect.stringMatching(/^mysql\.url: must be a URL .*, got "pg:\/\/root:\*\*\*@db\/app"/),
        `etcd.password: must be a string (quote it in YAML), got "(hidden)" (from file ${file})`,
      ]);
      expect(issues.join('\n')).not.toMatch(/123456|hunter2/);
    });
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({ env: { RINGCACHE_ETCD_ENDPOINTS: 'http://127.0.0.1:2379' }, cwd: REPO_ROOT });
    for (const part of [
      config,
      config.node,
      config.nodes,
      config.nodes[0],
      config.etcd.endpoints,
      config.etcd.tls,
    ]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(Object.isFrozen(config.groups['scores'])).toBe(true);
    expect(() => {
      (config.node as { grpcPort: number }).grpcPort = 1;
    }).toThrow(TypeError);
    expect(() => config.nodes.push({ name: 'x', grpc: 'h:1', http: 'h:2' })).toThrow(TypeError);
  });

  it('loads the committed config/ringcache.yaml: the local 3-node cluster, otherwise the defaults', () => {
    const committed = loadConfig({ env: {}, cwd: REPO_ROOT });
    expect(committed.source.file).toBe(join(REPO_ROOT, 'config/ringcache.yaml'));
    expect(committed.nodes).toEqual([
      { name: 'node1', grpc: '127.0.0.1:8001', http: '127.0.0.1:8101' },
      { name: 'node2', grpc: '127.0.0.1:8002', http: '127.0.0.1:8102' },
      { name: 'node3', grpc: '127.0.0.1:8003', http: '127.0.0.1:8103' },
    ]);
    // The file documents the defaults: apart from the node list, it must say what the code does.
    const { nodes: _nodes, source: _source, ...fromFile } = committed;
    const { nodes: _none, source: _noFile, ...builtIn } = loadConfig({ env: {}, cwd: emptyDir() });
    expect(fromFile.sqlite.path).toBe(join(REPO_ROOT, 'data/ringcache.sqlite'));
    expect({ ...fromFile, sqlite: builtIn.sqlite }).toEqual(builtIn);
  });
});

describe('loadConfigOrExit', () => {
  it('prints the problems and exits with code 2 on a bad configuration', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('exit called');
    });
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => loadConfigOrExit({ env: { RINGCACHE_PEERS_VNODES: '0' }, cwd: emptyDir() })).toThrow(
        'exit called',
      );
      expect(exit).toHaveBeenCalledWith(2);
      expect(write).toHaveBeenCalledWith(
        'invalid ringcache configuration:\npeers.vnodes: must be an integer in [1, 10000], got "0" (from RINGCACHE_PEERS_VNODES)\n',
      );
    } finally {
      exit.mockRestore();
      write.mockRestore();
    }
  });

  it('returns the configuration when it is valid, and rethrows other errors', () => {
    expect(loadConfigOrExit({ env: {}, cwd: emptyDir() }).cluster).toBe('ringcache');
    const broken = new Proxy(
      {},
      {
        get: () => {
          throw new Error('env unreadable');
        },
      },
    );
    expect(() => loadConfigOrExit({ env: broken, cwd: emptyDir() })).toThrow('env unreadable');
  });
});
