import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { RingcacheClient } from '@ringcache/client';
import {
  builtApp,
  EtcdCluster,
  eventually,
  freePort,
  scrapeMetrics,
  startCluster,
  sumMetric,
  tempDir,
  TestCa,
  type IssuedCertificate,
  type TempDir,
  type TestCluster,
} from '@ringcache/testing';

import { get, request, views } from '../support';

const CLUSTER = 'lp';
const PREFIX = `ringcache/${CLUSTER}/`;
const ROLE = `ringcache-${CLUSTER}`;
const ROOT = 'root:root-secret';
const USER = { username: 'ringcache', password: 'ringcache-secret' };

/**
 * ringcache against an etcd that takes only clients with a certificate from its CA and has auth on, signed
 * in as a user whose role may read and write `ringcache/<cluster>/` and nothing else (README, "Least-privilege
 * etcd"): every process and the SDK work with that alone, the user can do nothing outside the prefix, and a
 * wrong password stops a process at start with the settings named.
 */
describe('least-privilege etcd', () => {
  let dir: TempDir;
  let etcd: EtcdCluster;
  let cluster: TestCluster;
  let appCert: IssuedCertificate;
  const asUser = `${USER.username}:${USER.password}`;

  async function etcdctl(args: string[], user: string): Promise<string> {
    const result = await etcd.etcdctl(args, { user });
    if (result.code !== 0) throw new Error(`etcdctl ${args.join(' ')} failed:\n${result.output}`);
    return result.output;
  }

  beforeAll(async () => {
    dir = tempDir('ringcache-etcd-auth-');
    const ca = TestCa.create(dir.path);
    appCert = ca.issue(USER.username);
    etcd = await EtcdCluster.start({ tls: ca.issue('etcd') });
    // The commands of the README, in its order.
    await etcdctl(['user', 'add', ROOT], '');
    await etcdctl(['role', 'add', ROLE], '');
    await etcdctl(['role', 'grant-permission', '--prefix=true', ROLE, 'readwrite', PREFIX], '');
    await etcdctl(['user', 'add', asUser], '');
    await etcdctl(['user', 'grant-role', USER.username, ROLE], '');
    await etcdctl(['auth', 'enable'], '');
    cluster = await startCluster({
      nodes: 3,
      etcd: { endpoints: etcd.endpoints, cluster: CLUSTER, leaseTtlSeconds: 2, ...USER, tls: appCert },
    });
    await cluster.addTtlWorker();
  }, 90_000);

  afterAll(async () => {
    await cluster?.stop();
    await etcd?.stop();
    dir?.remove();
  });

  it('lets every process see the 3 nodes', async () => {
    await eventually(
      'three members in every view',
      async () => [...(await views(cluster)).values()].every((view) => view.members.length === 3),
      15_000,
    );
  });

  it('serves reads, writes and deletes through the gateway', async () => {
    const url = `${cluster.gateway?.url}/api/v1/groups/scores/keys`;
    expect(await get(`${url}/Tom`)).toEqual({ status: 200, body: '630' });
    const headers = { 'content-type': 'application/octet-stream' };
    expect((await request('PUT', `${url}/written`, 'a value', headers)).status).toBe(200);
    expect(await get(`${url}/written`)).toEqual({ status: 200, body: 'a value' });
    expect((await request('DELETE', `${url}/written`)).status).toBe(200);
    expect((await get(`${url}/written`)).status).toBe(404);
  });

  it('lets the leading ttl-worker expire a key on time', async () => {
    const worker = cluster.ttlWorkers[0];
    const metric = async (name: string, where: Record<string, string> = {}) =>
      sumMetric(await scrapeMetrics(`${worker.url}/metrics`), name, where);
    // Its campaign keys live under the prefix too: it can only lead if the role covers them.
    await eventually(
      'the ttl-worker leading',
      async () => (await metric('ringcache_ttl_worker_leader')) === 1,
    );
    const before = await metric('ringcache_ttl_expire_calls_total', { result: 'ok' });
    const url = `${cluster.gateway?.url}/api/v1/groups/scores/keys/short-lived?ttl=2s`;
    const headers = { 'content-type': 'application/octet-stream' };
    const put = await request('PUT', url, 'soon gone', headers);
    expect(put.status).toBe(200);
    const took = await eventually(
      'an Expire call answered by the owner',
      async () => (await metric('ringcache_ttl_expire_calls_total', { result: 'ok' })) > before,
      7_000,
    );
    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(await metric('ringcache_ttl_expire_calls_total', { result: 'failed' })).toBe(0);
  });

  it('serves the SDK signed in as the same user', async () => {
    const tls = { caFile: appCert.caFile, certFile: appCert.certFile, keyFile: appCert.keyFile };
    const client = new RingcacheClient({
      etcd: { endpoints: etcd.endpoints, cluster: CLUSTER, ...USER, tls },
      transport: 'grpc',
    });
    try {
      await client.ready();
      expect((await client.get('scores', 'Jack'))?.toString()).toBe('589');
    } finally {
      await client.close();
    }
  });

  it('kept every key the processes wrote under the prefix', async () => {
    const keys = (await etcdctl(['get', '', '--prefix', '--keys-only'], ROOT))
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(keys.some((key) => key.startsWith(`${PREFIX}node/`))).toBe(true);
    expect(keys.some((key) => key.startsWith(`${PREFIX}election/`))).toBe(true);
    expect(keys.filter((key) => !key.startsWith(PREFIX))).toEqual([]);
  });

  it('denies the user everything outside the prefix', async () => {
    expect(await etcdctl(['put', `${PREFIX}probe`, 'inside'], asUser)).toContain('OK');
    for (const args of [
      ['put', 'ringcache/other/probe', 'outside'],
      ['get', 'ringcache/other/probe'],
      ['get', `ringcache/${CLUSTER}-neighbour/`, '--prefix'],
      ['put', 'outside', 'x'],
      ['get', '', '--prefix'],
    ]) {
      const result = await etcd.etcdctl(args, { user: asUser });
      expect({ args, code: result.code, denied: /permission denied/.test(result.output) }).toEqual({
        args,
        code: 1,
        denied: true,
      });
    }
  });

  it.each(['gateway', 'cache-node', 'ttl-worker'] as const)(
    'stops %s at start when the password is wrong, naming the settings',
    async (app) => {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        NODE_ENV: 'test',
        RINGCACHE_LOG_LEVEL: 'warn',
        RINGCACHE_CLUSTER: CLUSTER,
        RINGCACHE_ETCD_ENDPOINTS: etcd.endpoints.join(','),
        RINGCACHE_ETCD_USERNAME: USER.username,
        RINGCACHE_ETCD_PASSWORD: 'not-the-password',
        RINGCACHE_ETCD_TLS_CA_FILE: appCert.caFile,
        RINGCACHE_ETCD_TLS_CERT_FILE: appCert.certFile,
        RINGCACHE_ETCD_TLS_KEY_FILE: appCert.keyFile,
        RINGCACHE_SQLITE_PATH: join(dir.path, `${app}.sqlite`),
        RINGCACHE_GATEWAY_PORT: String(await freePort()),
        RINGCACHE_TTL_WORKER_PORT: String(await freePort()),
        RINGCACHE_NODE_NAME: 'wrong-password',
        RINGCACHE_NODE_GRPC_PORT: String(await freePort()),
        RINGCACHE_NODE_HTTP_PORT: String(await freePort()),
      };
      const failure = await promisify(execFile)(process.execPath, [builtApp(app)], {
        env,
        cwd: dir.path,
        timeout: 20_000,
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }),
      );
      expect(failure.code).toBe(1);
      expect(failure.stderr).toMatch(/etcd authentication failed for user "ringcache"/);
      expect(failure.stderr).toMatch(/etcd\.username and etcd\.password/);
    },
    30_000,
  );
});
