import {
  EtcdCluster,
  eventually,
  ScratchMysql,
  scrapeMetrics,
  startCluster,
  sumMetric,
  type TestCluster,
} from '@ringcache/testing';

import { concurrently, get, request } from '../support';

/**
 * Active expiry on real processes and etcd: entries with a TTL are removed from every node's memory on
 * time through the etcd delay queue and the elected ttl-worker, even when the leading worker dies.
 */
describe('TTL through the delay queue and the ttl-worker', () => {
  let etcd: EtcdCluster;
  let mysql: ScratchMysql;
  let cluster: TestCluster;
  const put = (key: string, ttl: string) =>
    request('PUT', `${cluster.gateway?.url}/api/v1/groups/scores/keys/${key}?ttl=${ttl}`, `value-${key}`, {
      'content-type': 'application/octet-stream',
    });
  /** Entries held right now by every node (main and hot caches), from the nodes' own counters. */
  const held = (group = 'scores') => cluster.sum('ringcache_cache_items', { group });

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
    mysql = await ScratchMysql.create();
    await mysql.exec(
      'CREATE TABLE student (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) UNIQUE, score INT)',
    );
    await mysql.exec('CREATE TABLE item (k VARCHAR(64) PRIMARY KEY, v VARCHAR(64) NOT NULL)');
    for (let start = 0; start < 10_000; start += 1_000) {
      const rows = Array.from({ length: 1_000 }, (_, i) => `('t${start + i}', 'v${start + i}')`).join(', ');
      await mysql.exec(`INSERT INTO item VALUES ${rows}`);
    }
    cluster = await startCluster({
      etcd: { endpoints: etcd.endpoints, leaseTtlSeconds: 2 },
      mysqlUrl: mysql.url,
      env: { RINGCACHE_DEMO_SEED: 'false' },
      groups: { short: { table: 'item', keyColumn: 'k', valueColumn: 'v', ttl: '2s' } },
    });
    await cluster.addTtlWorker('worker-a');
    await cluster.addTtlWorker('worker-b');
  });

  afterAll(async () => {
    await cluster?.stop();
    await etcd?.stop();
    await mysql?.drop();
  });

  async function leader() {
    for (const worker of cluster.ttlWorkers.filter((w) => w.process.alive)) {
      const samples = await scrapeMetrics(`${worker.url}/metrics`);
      if (sumMetric(samples, 'ringcache_ttl_worker_leader') === 1) return worker;
    }
    return undefined;
  }

  /**
   * Margin over a TTL for the entries to be gone from memory: the second-bucket lease ends within a second
   * or two of its time, then the worker hears of it and tells the owners. Without active expiry nothing
   * would go at all (the entries are never read again), so a generous margin still tells the two apart,
   * and a loaded machine meets it.
   */
  const MARGIN_MS = 5_000;

  it('removes 10,000 keys with a 2 s TTL from every node within TTL + 5 s', async () => {
    await eventually('a leader', async () => (await leader()) !== undefined, 15_000);
    const keys = Array.from({ length: 10_000 }, (_, i) => `t${i}`);
    const started = Date.now();
    // Each read loads its key at its owner, which caches it for 2 s and records it in the delay queue.
    await concurrently(64, async (worker) => {
      for (let i = worker; i < keys.length; i += 64) {
        expect((await get(`${cluster.gateway?.url}/api/v1/groups/short/keys/${keys[i]}`)).status).toBe(200);
      }
    });
    const lastLoad = Date.now();
    const heldAtEnd = await held('short');
    // Those loaded in the last 2 s are still there to be removed; how many follows how fast loading went.
    const loadedInLastTtl = Math.min(keys.length, (keys.length * 2_000) / Math.max(1, lastLoad - started));
    expect(heldAtEnd).toBeGreaterThan(loadedInLastTtl / 4);
    await eventually(
      'every entry removed',
      async () => (await held('short')) === 0,
      2_000 + MARGIN_MS + 5_000,
    ).catch(async (error: Error) => {
      // Say where the entries are stuck: the nodes' queues, or the workers' deliveries.
      for (const [name, samples] of await cluster.metrics()) {
        const wanted = samples.filter((x) => /cache_items|expiry_queue|active_expirations/.test(x.name));
        console.log(name, JSON.stringify(wanted.map((x) => [x.name, x.labels, x.value])));
      }
      for (const worker of cluster.ttlWorkers.filter((w) => w.process.alive)) {
        const text = await (await fetch(`${worker.url}/metrics`)).text();
        console.log(
          worker.name,
          text
            .split('\n')
            .filter((l) => /^ringcache_ttl_/.test(l) && !l.includes('bucket'))
            .join(' | '),
        );
      }
      throw error;
    });
    const goneMs = Date.now() - lastLoad;
    console.log(
      `10,000 keys loaded in ${lastLoad - started} ms (${heldAtEnd} held at the end); all gone ${goneMs} ms after the last load`,
    );
    expect(goneMs).toBeLessThanOrEqual(2_000 + MARGIN_MS);
    // Removed actively — nothing read them again — by the delay queue and the worker.
    expect(
      await cluster.sum('ringcache_active_expirations_total', { group: 'short' }),
    ).toBeGreaterThanOrEqual(9_500);
  });

  it('misses nothing when the leading worker is killed mid-run: the standby takes over', async () => {
    const first = await leader();
    expect(first).toBeDefined();
    const before = await held();
    await concurrently(32, async (worker) => {
      for (let i = worker; i < 2_000; i += 32) await put(`u${i}`, '3s');
    });
    const lastSet = Date.now();
    await first?.process.kill();
    await eventually('the standby leads', async () => (await leader()) !== undefined, 10_000);
    expect((await leader())?.name).not.toBe(first?.name);
    await eventually(
      'every entry removed',
      async () => (await held()) <= before,
      3_000 + 2_000 + MARGIN_MS + 5_000,
    );
    const goneMs = Date.now() - lastSet;
    console.log(`leader killed: all gone ${goneMs} ms after the last set (TTL 3 s, worker lease 2 s)`);
    // TTL (3 s) + the dead leader's lease (2 s), for the standby to take over, + the margin.
    expect(goneMs).toBeLessThanOrEqual(3_000 + 2_000 + MARGIN_MS);
  });
});
