import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  builtApp,
  EtcdCluster,
  eventually,
  freePort,
  scrapeMetrics,
  startProcess,
  sumMetric,
  waitForHttp,
  type ManagedProcess,
} from '@ringcache/testing';

/** The built app (dist/apps/ttl-worker; the test target builds it first) as real processes. */
describe('ttl-worker app', () => {
  let dir: string;
  const processes: ManagedProcess[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ttl-worker-app-'));
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGTERM', 5_000)));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function worker(
    name: string,
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ url: string; process: ManagedProcess }> {
    const port = await freePort();
    const process_ = startProcess({
      name,
      command: process.execPath,
      args: [builtApp('ttl-worker')],
      // A directory of its own: the repo's config/ringcache.yaml and default ports are never used.
      cwd: dir,
      env: {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        RINGCACHE_TTL_WORKER_PORT: String(port),
        ...env,
      },
    });
    processes.push(process_);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/healthz`, 20_000, {
      alive: () => process_.alive,
      describe: () => process_.output(),
    });
    return { url, process: process_ };
  }

  const readyz = async (url: string) => {
    const res = await fetch(`${url}/readyz`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** The worker's role when it is ready (terminus's body: the `worker` indicator's details). */
  const role = async (url: string) => {
    const { status, body } = await readyz(url);
    return status === 200
      ? (body as { details: { worker: { role?: string } } }).details.worker.role
      : undefined;
  };

  describe('with etcd', () => {
    let etcd: EtcdCluster;

    beforeAll(async () => {
      etcd = await EtcdCluster.start(1);
    }, 30_000);

    afterAll(async () => {
      await etcd?.stop();
    });

    it('answers /healthz, /readyz and /metrics, and hands over on SIGTERM', async () => {
      const env = {
        RINGCACHE_ETCD_ENDPOINTS: etcd.endpoints.join(','),
        RINGCACHE_CLUSTER: 'app',
        RINGCACHE_ETCD_LEASE_TTL_SECONDS: '2',
      };
      const first = await worker('ttl-worker-1', env);
      await eventually('first leads', async () => (await role(first.url)) === 'leader', 10_000);
      const second = await worker('ttl-worker-2', env);
      await eventually('second stands by', async () => (await readyz(second.url)).status === 200, 10_000);
      expect((await readyz(second.url)).body).toMatchObject({
        status: 'ok',
        details: { etcd: { status: 'up' }, worker: { status: 'up', role: 'standby' } },
      });

      const metrics = await scrapeMetrics(`${first.url}/metrics`);
      expect(sumMetric(metrics, 'ringcache_ttl_worker_leader')).toBe(1);
      for (const name of [
        'ringcache_ttl_expired_keys_total',
        'ringcache_ttl_batches_total',
        'ringcache_ttl_expiry_lateness_seconds_count',
        'ringcache_ttl_queue_lag_seconds',
      ]) {
        expect(metrics.some((s) => s.name === name)).toBe(true);
      }
      expect(sumMetric(await scrapeMetrics(`${second.url}/metrics`), 'ringcache_ttl_worker_leader')).toBe(0);

      const stopping = Date.now();
      expect(await first.process.stop('SIGTERM', 10_000)).toEqual({ code: 0, signal: null });
      expect(first.process.printed(/resigned; a standby takes over/)).toBe(true);
      await eventually('second leads', async () => (await role(second.url)) === 'leader', 3_000);
      // Well under the 2 s campaign lease: the standby did not wait for it to expire.
      expect(Date.now() - stopping).toBeLessThan(1_800);
    }, 60_000);
  });

  it('without etcd, says it has nothing to do, stays healthy and is never ready', async () => {
    const { url, process: worker_ } = await worker('ttl-worker-idle');
    const idle = { status: 'down', message: 'idle: no etcd endpoints configured', nodes: 0 };
    expect(await readyz(url)).toEqual({
      status: 503,
      body: { status: 'error', info: {}, error: { worker: idle }, details: { worker: idle } },
    });
    expect(worker_.printed(/no etcd endpoints configured .* this ttl-worker has nothing to do/)).toBe(true);
    expect(await worker_.stop('SIGTERM', 10_000)).toEqual({ code: 0, signal: null });
  }, 30_000);
});
