import { copyFileSync } from 'node:fs';

import { RingcacheClient } from '@ringcache/client';
import { HttpPeerClient } from '@ringcache/peer-http';
import { TlsMaterial } from '@ringcache/tls';
import {
  EtcdCluster,
  eventually,
  freePort,
  scrapeMetrics,
  startCluster,
  startNode,
  sumMetric,
  tempDir,
  TestCa,
  waitForReady,
  type IssuedCertificate,
  type TempDir,
  type TestCluster,
} from '@ringcache/testing';

import { get, request } from '../support';
import { grpcClient, httpsSet, httpsStatus, servedSerial, trySet } from './tls-support';

/**
 * Mutual TLS between every ringcache process, on real processes: the nodes' gRPC and HTTP peer ports
 * refuse anyone without a certificate from the cluster's CA; gateway, ttl-worker and SDK present theirs;
 * rotated files are used without a restart; protected mode stops a node exposed without TLS.
 */
describe('mutual TLS between processes', () => {
  let dir: TempDir;
  let ca: TestCa;
  let etcd: EtcdCluster;
  let cluster: TestCluster;
  let good: IssuedCertificate;
  let otherCa: IssuedCertificate;
  let expired: IssuedCertificate;
  const node = () => cluster.nodes[0];

  beforeAll(async () => {
    dir = tempDir('ringcache-mtls-');
    ca = TestCa.create(dir.path);
    good = ca.issue('cluster');
    expired = ca.issue('expired', { expired: true });
    otherCa = TestCa.create(dir.path, 'other-ca').issue('intruder');
    etcd = await EtcdCluster.start(1);
    cluster = await startCluster({
      nodes: 2,
      etcd: { endpoints: etcd.endpoints, leaseTtlSeconds: 2 },
      tls: good,
    });
    await cluster.addTtlWorker();
  });

  afterAll(async () => {
    await cluster?.stop();
    await etcd?.stop();
    dir?.remove();
  });

  describe('the gRPC peer port', () => {
    const address = () => `127.0.0.1:${node().grpcPort}`;

    it('serves Set to a client with a certificate from the CA', async () => {
      expect(await trySet(grpcClient(address(), good.caFile, good), 'grpc-ok')).toBe('ok');
    });

    it.each([
      ['a plaintext client', () => grpcClient(address())],
      ['a client without a certificate', () => grpcClient(address(), good.caFile)],
      ['a certificate from another CA', () => grpcClient(address(), good.caFile, otherCa)],
      ['an expired certificate', () => grpcClient(address(), good.caFile, expired)],
    ])('refuses Set from %s', async (_, client) => {
      expect(await trySet(client(), 'grpc-refused')).toMatch(/unavailable|UNAVAILABLE|No connection/i);
    });
  });

  describe('the HTTP peer port', () => {
    it('serves Set to a client with a certificate from the CA', async () => {
      expect(await httpsSet(node().httpPort, 'http-ok', good.caFile, good)).toBe('HTTP 200');
    });

    it.each([
      ['a client without a certificate', undefined],
      ['a certificate from another CA', () => otherCa],
      ['an expired certificate', () => expired],
    ])('refuses Set from %s, storing nothing', async (_, presented) => {
      const answer = await httpsSet(node().httpPort, 'http-refused', good.caFile, presented?.());
      expect(answer).toBe('HTTP 401');
      const read = await httpsStatus(
        node().httpPort,
        'GET',
        '/_ringcache/scores/http-refused',
        good.caFile,
        good,
      );
      expect(read).toBe('HTTP 404');
    });

    it('answers health, readiness and metrics without a client certificate, and nothing else', async () => {
      for (const path of ['/healthz', '/readyz', '/metrics'])
        expect([path, await httpsStatus(node().httpPort, 'GET', path, good.caFile)]).toEqual([
          path,
          'HTTP 200',
        ]);
      for (const path of ['/_ringcache/scores/Tom', '/_ringcache/:stats'])
        expect([path, await httpsStatus(node().httpPort, 'GET', path, good.caFile)]).toEqual([
          path,
          'HTTP 401',
        ]);
    });

    it('sends frames to a client with a certificate, and refuses the upgrade to anyone else (401)', async () => {
      const upgrade = { connection: 'Upgrade', upgrade: 'ringcache-frames/1' };
      const status = (presented?: IssuedCertificate) =>
        httpsStatus(node().httpPort, 'GET', '/_ringcache/:frames', good.caFile, presented, upgrade);
      expect(await status(good)).toBe('HTTP 101');
      expect(await status()).toBe('HTTP 401');
      expect(await status(otherCa)).toBe('HTTP 401');
      const tls = TlsMaterial.fromFiles(good);
      const client = new HttpPeerClient({ name: 'probe', address: `127.0.0.1:${node().httpPort}`, tls });
      try {
        expect(await client.framesReady()).toBe(true);
        const context = { ringVersion: '', hops: 1 };
        const value = Buffer.from('over frames');
        await client.set(
          { group: 'scores', key: 'framed', value, ttlMs: 0, ...context },
          { deadlineMs: 3_000 },
        );
        const read = await client.get({ group: 'scores', key: 'framed', ...context }, { deadlineMs: 3_000 });
        expect(Buffer.from(read.value).toString()).toBe('over frames');
      } finally {
        await client.close();
        tls.close();
      }
    });

    it('refuses plaintext HTTP, and a plaintext gRPC Set', async () => {
      await expect(fetch(`http://127.0.0.1:${node().httpPort}/_ringcache/scores/Tom`)).rejects.toThrow();
      expect(await trySet(grpcClient(`127.0.0.1:${node().httpPort}`), 'x')).toMatch(/unavailable/i);
    });
  });

  it('serves the whole read and write path through the gateway', async () => {
    const url = `${cluster.gateway?.url}/api/v1/groups/scores/keys`;
    expect(await get(`${url}/Tom`)).toEqual({ status: 200, body: '630' });
    const headers = { 'content-type': 'application/octet-stream' };
    expect((await request('PUT', `${url}/via-gateway`, 'written', headers)).status).toBe(200);
    expect(await get(`${url}/via-gateway`)).toEqual({ status: 200, body: 'written' });
    expect((await request('DELETE', `${url}/via-gateway`)).status).toBe(200);
    expect((await get(`${url}/via-gateway`)).status).toBe(404);
    // The gateway reads the nodes' stats over its peer transport with the same certificate (gRPC here), and
    // its near cache serves only while the invalidation stream of every node is connected.
    const groups = await get(`${cluster.gateway?.url}/api/v1/groups`);
    expect(groups.status).toBe(200);
    expect((JSON.parse(groups.body) as { nodes: { failed: unknown[] } }).nodes.failed).toEqual([]);
    const metrics = await scrapeMetrics(`${cluster.gateway?.url}/metrics`);
    expect(sumMetric(metrics, 'ringcache_gateway_near_cache_enabled')).toBe(1);
  });

  it('lets the ttl-worker expire a key on time', async () => {
    const worker = cluster.ttlWorkers[0];
    const calls = async (result: string) =>
      sumMetric(await scrapeMetrics(`${worker.url}/metrics`), 'ringcache_ttl_expire_calls_total', { result });
    const before = await calls('ok');
    const url = `${cluster.gateway?.url}/api/v1/groups/scores/keys/short-lived?ttl=2s`;
    const put = await request('PUT', url, 'soon gone', { 'content-type': 'application/octet-stream' });
    expect(put.status).toBe(200);
    await eventually('an Expire call answered by the owner', async () => (await calls('ok')) > before, 7_000);
    expect(await calls('failed')).toBe(0);
  });

  it.each(['grpc', 'http'] as const)('serves the SDK over %s with its certificate', async (transport) => {
    const endpoints = etcd.endpoints;
    const files = { caFile: good.caFile, certFile: good.certFile, keyFile: good.keyFile };
    const client = new RingcacheClient({
      etcd: { endpoints, cluster: 'e2e' },
      transport,
      tls: files,
      nearCache: { maxBytes: 1 << 20 },
    });
    const bare = new RingcacheClient({ etcd: { endpoints, cluster: 'e2e' }, transport, timeoutMs: 4_000 });
    try {
      await client.ready();
      expect((await client.get('scores', 'Jack'))?.toString()).toBe('589');
      await client.set('scores', `sdk-${transport}`, Buffer.from('from the sdk'));
      expect((await client.get('scores', `sdk-${transport}`))?.toString()).toBe('from the sdk');
      await bare.ready();
      await expect(bare.get('scores', 'Jack')).rejects.toThrow();
    } finally {
      await client.close();
      await bare.close();
    }
  });

  it('uses rotated certificate files for new connections, without a restart', async () => {
    const pid = node().process.child.pid;
    const before = await servedSerial(node().httpPort, good);
    expect(before).toBe(good.serial);
    const rotated = ca.issue('rotated');
    // Same CA, new certificate and key, copied over the files every process reads.
    copyFileSync(rotated.certFile, good.certFile);
    copyFileSync(rotated.keyFile, good.keyFile);
    await eventually(
      'the nodes presenting the new certificate',
      async () =>
        (await servedSerial(node().httpPort, good)) === rotated.serial &&
        (await servedSerial(node().grpcPort, good, ['h2'])) === rotated.serial,
      15_000,
    );
    expect(node().process.child.pid).toBe(pid);
    expect(node().process.alive).toBe(true);
    // Clients rotated too: the gateway's new connections present the new certificate, and are served.
    expect((await get(`${cluster.gateway?.url}/api/v1/groups/scores/keys/Sam`)).body).toBe('567');
  });
});

describe('protected mode of a node', () => {
  let dir: TempDir;
  beforeAll(() => (dir = tempDir('ringcache-protected-')));
  afterAll(() => dir?.remove());

  async function startExposed(env: NodeJS.ProcessEnv) {
    const self = {
      name: 'exposed',
      grpc: `127.0.0.1:${await freePort()}`,
      http: `127.0.0.1:${await freePort()}`,
    };
    const base = {
      PATH: process.env['PATH'],
      RINGCACHE_LOG_LEVEL: 'warn',
      RINGCACHE_SQLITE_PATH: ':memory:',
    };
    return {
      self,
      process: startNode(self, [self], { ...base, RINGCACHE_NODE_HOST: '0.0.0.0', ...env }, dir.path),
    };
  }

  it('refuses to start on 0.0.0.0 without tls, naming the settings to change', async () => {
    const { process: node } = await startExposed({});
    const exit = await node.exited;
    expect(exit.code).toBe(2);
    expect(node.output()).toContain('tls.caFile, tls.certFile and tls.keyFile');
    expect(node.output()).toContain('security.insecure: true');
  });

  it('starts there with security.insecure', async () => {
    const { self, process: node } = await startExposed({ RINGCACHE_SECURITY_INSECURE: 'true' });
    try {
      await waitForReady(`http://${self.http}`, node);
    } finally {
      await node.stop('SIGTERM', 5_000);
    }
  });
});
