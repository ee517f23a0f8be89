import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

import { emptyDir, removeConfigDirs, yamlFile } from '../testing/load-config.fixtures';
import { loadConfig } from './load-config';
import type { RingcacheConfig } from './ringcache-config';

const REPO_ROOT = resolve(__dirname, '../../../..');

afterAll(removeConfigDirs);

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
        requestTimeoutMs: 30_000,
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
        requestTimeoutMs: 30_000,
        maxEventStreams: 64,
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
