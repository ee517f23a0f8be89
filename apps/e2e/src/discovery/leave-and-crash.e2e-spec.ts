import { EtcdCluster, eventually, sleep, startCluster, type TestCluster } from '@ringcache/testing';

import { backgroundReads, converged, views } from '../support';

/** A node that leaves is dropped from every ring: at once when it says so, within its lease when it dies. */
describe('leaving and crashing', () => {
  let etcd: EtcdCluster;
  let cluster: TestCluster;
  const leaseTtlSeconds = 3;
  const keys = ['Tom', 'Jack', 'Sam', ...Array.from({ length: 40 }, (_, i) => `absent-${i}`)];

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
    cluster = await startCluster({ nodes: 4, etcd: { endpoints: etcd.endpoints, leaseTtlSeconds } });
    await eventually('all agree', () => converged(cluster, ['node1', 'node2', 'node3', 'node4']));
  });

  afterAll(async () => {
    await cluster?.stop();
    await etcd?.stop();
  });

  /** Polls every live process until none lists `name`; resolves with the time it took. */
  async function goneEverywhere(name: string, timeoutMs: number): Promise<number> {
    return eventually(
      `${name} gone from every ring`,
      async () => [...(await views(cluster)).values()].every((v) => !v.members.some((m) => m.name === name)),
      timeoutMs,
    );
  }

  it('drops a node on SIGTERM within 0.5 s (lease revoked), while requests keep succeeding', async () => {
    const reads = backgroundReads(cluster, keys);
    await sleep(300);
    const leaving = cluster.node('node4');
    const signalled = Date.now();
    leaving.process.signal('SIGTERM');
    await goneEverywhere('node4', 5_000);
    const tookMs = Date.now() - signalled;
    expect(await leaving.process.exited).toEqual({ code: 0, signal: null });
    await sleep(300);
    const stats = await reads.stop();
    console.log(
      `graceful leave: gone from every ring ${tookMs} ms after SIGTERM; ${stats.ok} reads ok, ${stats.failed} failed`,
    );
    expect(tookMs).toBeLessThan(500);
    expect(stats.failures).toEqual([]);
    expect(stats.ok).toBeGreaterThan(0);
  });

  it('drops a node killed with SIGKILL within its lease TTL + 1 s; no request fails after that', async () => {
    const victim = cluster.node('node3');
    const killed = Date.now();
    await victim.process.kill();
    await goneEverywhere('node3', (leaseTtlSeconds + 5) * 1_000);
    const tookMs = Date.now() - killed;
    console.log(`crash: gone from every ring ${tookMs} ms after SIGKILL (lease ${leaseTtlSeconds} s)`);
    expect(tookMs).toBeLessThan(leaseTtlSeconds * 1_000 + 1_000);
    const reads = backgroundReads(cluster, keys);
    await sleep(1_500);
    const stats = await reads.stop();
    expect(stats.failures).toEqual([]);
    expect(stats.ok).toBeGreaterThan(0);
  });
});
