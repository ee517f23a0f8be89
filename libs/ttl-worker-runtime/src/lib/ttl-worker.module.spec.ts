import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Etcd3 } from 'etcd3';

import { listeningPort, startHttpApp } from '@ringcache/app-shell';
import { loadConfig, type RingcacheConfig } from '@ringcache/config';
import { TtlKeys, packTtlBatches } from '@ringcache/delay-queue';
import { createEtcdClient, encodeEndpoint, EtcdKeys } from '@ringcache/discovery';
import { EtcdCluster, eventually, freePort, scrapeMetrics, sumMetric } from '@ringcache/testing';

import { TtlWorkerModule } from './ttl-worker.module';

describe('TtlWorkerModule', () => {
  let dir: string;
  let etcd: EtcdCluster;
  let client: Etcd3;
  const apps: NestFastifyApplication[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ttl-worker-runtime-'));
    etcd = await EtcdCluster.start(1);
    client = createEtcdClient({ endpoints: etcd.endpoints, dialTimeoutMs: 2_000 });
  }, 30_000);

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  afterAll(async () => {
    client?.close();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function config(env: Record<string, string>): RingcacheConfig {
    return loadConfig({
      cwd: dir,
      env: { RINGCACHE_TTL_WORKER_PORT: '0', RINGCACHE_LOG_LEVEL: 'error', ...env },
    });
  }

  const withEtcd = (cluster: string) => ({
    RINGCACHE_ETCD_ENDPOINTS: etcd.endpoints.join(','),
    RINGCACHE_CLUSTER: cluster,
    RINGCACHE_ETCD_LEASE_TTL_SECONDS: '2',
  });

  async function start(c: RingcacheConfig): Promise<string> {
    const app = await startHttpApp(TtlWorkerModule.forRoot(c), {
      name: 'ttl-worker',
      port: 0,
      handleSignals: false,
      logLevel: 'error',
    });
    apps.push(app);
    return `http://127.0.0.1:${listeningPort(app)}`;
  }

  const get = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** The worker's role in a /readyz answer, when it is ready. */
  const role = (readyz: { status: number; body: Record<string, unknown> }) =>
    readyz.status === 200
      ? (readyz.body as { details: { worker: { role?: string } } }).details.worker.role
      : undefined;

  it('without etcd, stays healthy and never ready, saying why', async () => {
    const url = await start(config({}));
    expect((await get(`${url}/healthz`)).status).toBe(200);
    const idle = { status: 'down', message: 'idle: no etcd endpoints configured', nodes: 0 };
    expect(await get(`${url}/readyz`)).toEqual({
      status: 503,
      body: { status: 'error', info: {}, error: { worker: idle }, details: { worker: idle } },
    });
    const metrics = await scrapeMetrics(`${url}/metrics`);
    expect(sumMetric(metrics, 'ringcache_ttl_worker_leader')).toBe(0);
  });

  it('leads, watches the cache nodes, and counts what it delivers in its metrics', async () => {
    const cluster = 'rt-metrics';
    const url = await start(config(withEtcd(cluster)));
    await eventually('ready', async () => (await get(`${url}/readyz`)).status === 200, 10_000);
    expect((await get(`${url}/readyz`)).body).toMatchObject({
      status: 'ok',
      details: { etcd: { status: 'up' }, worker: { status: 'up', role: 'leader' } },
    });

    // A registered node nobody listens on: its Expire calls fail, and are counted.
    const keys = new EtcdKeys(cluster);
    const dead = `127.0.0.1:${await freePort()}`;
    const node = { name: 'node1', grpcAddress: dead, httpAddress: `127.0.0.1:${await freePort()}` };
    await client.put(keys.cache(dead)).value(encodeEndpoint(node, 'test'));
    await eventually(
      'node known',
      async () => sumMetric(await scrapeMetrics(`${url}/metrics`), 'ringcache_ttl_worker_nodes') === 1,
    );

    // One delay-queue record of one key, removed at once (as its lease's end would).
    const record = new TtlKeys(keys).batch(Math.floor(Date.now() / 1000), 'node1', 'r.0');
    const [packed] = packTtlBatches(
      'node1',
      [{ group: 'scores', key: 'Tom', expireAtMs: Date.now() - 50 }],
      4_096,
    );
    await client.put(record).value(packed.value);
    await client.delete().key(record);
    await eventually('delivery counted', async () => {
      const metrics = await scrapeMetrics(`${url}/metrics`);
      expect(sumMetric(metrics, 'ringcache_ttl_worker_leader')).toBe(1);
      expect(sumMetric(metrics, 'ringcache_ttl_expired_keys_total')).toBe(1);
      expect(sumMetric(metrics, 'ringcache_ttl_batches_total', { result: 'failed' })).toBe(1);
      expect(sumMetric(metrics, 'ringcache_ttl_expire_calls_total', { result: 'failed' })).toBe(1);
      expect(sumMetric(metrics, 'ringcache_ttl_expiry_lateness_seconds_count')).toBe(1);
      expect(sumMetric(metrics, 'ringcache_ttl_handled_revision')).toBeGreaterThan(0);
      expect(sumMetric(metrics, 'ringcache_ttl_queue_backlog_keys')).toBe(0);
      // One failed call is not yet enough for outlier detection to skip the node on the ring.
      expect(metrics.filter((m) => m.name === 'ringcache_peer_skipped')).toEqual([
        { name: 'ringcache_peer_skipped', labels: { peer: 'node1' }, value: 0 },
      ]);
    });
  }, 30_000);

  it('on close, resigns so that a standby leads at once', async () => {
    const c = config(withEtcd('rt-handover'));
    const first = await start(c);
    await eventually('first leads', async () => role(await get(`${first}/readyz`)) === 'leader', 10_000);
    const second = await start(c);
    await eventually(
      'second stands by',
      async () => role(await get(`${second}/readyz`)) === 'standby',
      10_000,
    );

    const closing = Date.now();
    await (apps.shift() as NestFastifyApplication).close();
    await eventually('second leads', async () => role(await get(`${second}/readyz`)) === 'leader', 3_000);
    expect(Date.now() - closing).toBeLessThan(1_500);
  }, 30_000);
});
