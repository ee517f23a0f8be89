import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

import {
  builtApp,
  EtcdCluster,
  eventually,
  freePort,
  runToExit,
  startCluster,
  startProcess,
  tempDir,
  TestCa,
  type IssuedCertificate,
  type ManagedProcess,
  type TempDir,
  type TestCluster,
} from '@ringcache/testing';

import { ROOT } from './deployment-repo';

/**
 * The images' health check (docker/healthcheck.js), run as its container runs it — from a folder holding
 * only the apps' build output, with the container's environment — against real processes: a cache node
 * with mutual TLS, a gateway serving HTTPS, a ttl-worker. It must pass where the app is up and answers,
 * over the TLS the app's configuration gives, and fail otherwise.
 */
describe('docker health check', () => {
  let dir: TempDir;
  let app: string;
  let good: IssuedCertificate;
  let stranger: IssuedCertificate;
  let etcd: EtcdCluster;
  let cluster: TestCluster;
  let gateway: ManagedProcess;
  let gatewayPort: number;
  let served: IssuedCertificate;

  /** Runs the check for `name` with `env` (over PATH only); resolves with its exit code and output. */
  const check = async (name: string, env: NodeJS.ProcessEnv) =>
    runToExit(
      {
        name: 'healthcheck',
        command: process.execPath,
        args: [join(ROOT, 'docker', 'healthcheck.js'), name],
        cwd: app,
        env: { PATH: process.env['PATH'], ...env },
      },
      10_000,
    );
  const tlsEnv = (files: IssuedCertificate) => ({
    RINGCACHE_TLS_CA_FILE: files.caFile,
    RINGCACHE_TLS_CERT_FILE: files.certFile,
    RINGCACHE_TLS_KEY_FILE: files.keyFile,
  });
  const nodePort = () => String(cluster.nodes[0].httpPort);

  beforeAll(async () => {
    dir = tempDir('ringcache-healthcheck-');
    // The image's WORKDIR: the apps' build output, and no config file.
    app = join(dir.path, 'app');
    mkdirSync(app);
    symlinkSync(join(ROOT, 'dist'), join(app, 'dist'), 'dir');
    const ca = TestCa.create(dir.path);
    good = ca.issue('cluster');
    stranger = TestCa.create(dir.path, 'other-ca').issue('cluster');
    etcd = await EtcdCluster.start(1);
    cluster = await startCluster({
      nodes: 1,
      gateway: false,
      etcd: { endpoints: etcd.endpoints },
      tls: good,
    });
    await cluster.addTtlWorker();
    served = ca.issue('gateway');
    gatewayPort = await freePort();
    gateway = startProcess({
      name: 'https-gateway',
      command: process.execPath,
      args: [builtApp('gateway')],
      cwd: app,
      env: {
        PATH: process.env['PATH'],
        RINGCACHE_SQLITE_PATH: join(dir.path, 'ringcache.sqlite'),
        RINGCACHE_GATEWAY_PORT: String(gatewayPort),
        RINGCACHE_GATEWAY_TLS_CERT_FILE: served.certFile,
        RINGCACHE_GATEWAY_TLS_KEY_FILE: served.keyFile,
        RINGCACHE_ETCD_ENDPOINTS: etcd.endpoints.join(','),
        RINGCACHE_CLUSTER: 'e2e',
        ...tlsEnv(good),
      },
    });
  });

  afterAll(async () => {
    await gateway?.stop('SIGTERM', 5_000);
    await cluster?.stop();
    await etcd?.stop();
    dir?.remove();
  });

  it("passes on a cache node with mutual TLS, presenting the node's own certificate", async () => {
    const run = await check('cache-node', { RINGCACHE_NODE_HTTP_PORT: nodePort(), ...tlsEnv(good) });
    expect(run).toMatchObject({ code: 0 });
  });

  it('fails on that node with a certificate from another CA, or without TLS (what a plain fetch did)', async () => {
    const foreign = await check('cache-node', { RINGCACHE_NODE_HTTP_PORT: nodePort(), ...tlsEnv(stranger) });
    expect(foreign.code).toBe(1);
    const plain = await check('cache-node', { RINGCACHE_NODE_HTTP_PORT: nodePort() });
    expect(plain.code).toBe(1);
    expect(plain.output).toContain(`http://127.0.0.1:${nodePort()}/healthz`);
  });

  it('passes on a gateway serving HTTPS, and fails on a port where nothing listens', async () => {
    const env = {
      RINGCACHE_GATEWAY_PORT: String(gatewayPort),
      RINGCACHE_GATEWAY_TLS_CERT_FILE: served.certFile,
      RINGCACHE_GATEWAY_TLS_KEY_FILE: served.keyFile,
    };
    await eventually(
      'the HTTPS gateway to answer its health check',
      async () => {
        if (!gateway.alive) throw new Error(`the gateway exited:\n${gateway.output()}`);
        return (await check('gateway', env)).code === 0;
      },
      30_000,
    );
    const nobody = await check('gateway', { ...env, RINGCACHE_GATEWAY_PORT: String(await freePort()) });
    expect(nobody.code).toBe(1);
  });

  it('passes on a ttl-worker, and refuses an app it does not know', async () => {
    const worker = cluster.ttlWorkers[0];
    expect(await check('ttl-worker', { RINGCACHE_TTL_WORKER_PORT: String(worker.port) })).toMatchObject({
      code: 0,
    });
    const unknown = await check('etcd', {});
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain('usage: node healthcheck.js <cache-node|gateway|ttl-worker>');
  });
});
