import {
  BackgroundReads,
  createItemTable,
  EtcdCluster,
  eventually,
  ITEM_GROUP,
  KeyOwners,
  ScratchMysql,
  startCluster,
  summarize,
  type ReadTarget,
  type TestCluster,
} from '@ringcache/testing';

import { converged, gatewayUrl, views } from '../support';

/** A node that leaves is dropped from every ring: at once when it says so, within its lease when it dies. */
describe('leaving and crashing', () => {
  let etcd: EtcdCluster;
  let mysql: ScratchMysql;
  let cluster: TestCluster;
  /** The crash test's lease: short, so the window a dead node stays on the rings is short. */
  const leaseTtlSeconds = 3;
  /** node4's lease: so long that only a revoke can take it off the rings within the bound below. */
  const longLeaseSeconds = 60;
  /** The default peer deadline (peers.deadlineMs). */
  const deadlineMs = 3_000;
  const rows = new Map(Array.from({ length: 400 }, (_, i) => [`k${i}`, `v${i}`]));
  let targets: ReadTarget[];

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
    mysql = await ScratchMysql.create();
    await createItemTable(mysql, rows);
    cluster = await startCluster({
      etcd: { endpoints: etcd.endpoints, leaseTtlSeconds },
      mysqlUrl: mysql.url,
      env: { RINGCACHE_DEMO_SEED: 'false' },
      groups: { items: { ...ITEM_GROUP, ttl: '10m' } },
    });
    await cluster.addNode('node4', { RINGCACHE_ETCD_LEASE_TTL_SECONDS: String(longLeaseSeconds) });
    const names = ['node1', 'node2', 'node3', 'node4'];
    await eventually('all agree', () => converged(cluster, names));
    // Keys of every node, the two that leave included, half with a row and half without.
    const owners = new KeyOwners(names);
    const candidates = [
      ...Array.from({ length: 400 }, (_, i) => `k${i}`),
      ...Array.from({ length: 400 }, (_, i) => `absent-${i}`),
    ];
    const keys = names.flatMap((name) => [
      ...owners.keysOf(
        name,
        'items',
        candidates.filter((k) => rows.has(k)),
        6,
      ),
      ...owners.keysOf(
        name,
        'items',
        candidates.filter((k) => !rows.has(k)),
        3,
      ),
    ]);
    targets = keys.map((key) => ({
      key,
      url: gatewayUrl(cluster, 'items', key),
      expected: rows.get(key) ?? null,
    }));
  });

  afterAll(async () => {
    await cluster?.stop();
    await etcd?.stop();
    await mysql?.drop();
  });

  /** Polls every live process until none lists `name`; resolves with the time it took. */
  async function goneEverywhere(name: string, timeoutMs: number): Promise<number> {
    return eventually(
      `${name} gone from every ring`,
      async () => [...(await views(cluster)).values()].every((v) => !v.members.some((m) => m.name === name)),
      timeoutMs,
    );
  }

  /** Read fallbacks counted so far: the gateway's to a next owner, and the nodes' to a next owner or a local load. */
  async function fallbacks(): Promise<number> {
    const gateway = await (await fetch(`${cluster.gateway?.url}/metrics`)).text();
    const viaGateway = Number(/^ringcache_gateway_fallbacks_total (\d+)/m.exec(gateway)?.[1] ?? NaN);
    return viaGateway + (await cluster.sum('ringcache_fallbacks_total'));
  }

  it('drops a node on SIGTERM long before its lease could expire (it revokes it), while reads stay correct', async () => {
    const reads = new BackgroundReads(targets);
    await eventually('reads flowing', () => reads.records.length >= 20);
    const leaving = cluster.node('node4');
    const signalled = Date.now();
    leaving.process.signal('SIGTERM');
    await goneEverywhere('node4', longLeaseSeconds * 1_000);
    const tookMs = Date.now() - signalled;
    expect(await leaving.process.exited).toEqual({ code: 0, signal: null });
    const gone = Date.now();
    await eventually('reads on the ring without node4', () => reads.summary(gone).reads >= 40);
    const stats = await reads.stop();
    console.log(
      `graceful leave: gone from every ring ${tookMs} ms after SIGTERM (lease ${longLeaseSeconds} s); ` +
        `${stats.correct} reads correct of ${stats.reads}`,
    );
    expect(tookMs).toBeLessThan(5_000);
    expect(stats.failures).toEqual([]);
  });

  it('answers reads in the lease window after a SIGKILL correctly or fails them within the deadline + 1 s, and drops the node within its lease TTL', async () => {
    const victim = cluster.node('node3');
    const reads = new BackgroundReads(targets);
    await eventually('reads flowing', () => reads.records.length >= 20);
    const fallbacksBefore = await fallbacks();
    const killed = Date.now();
    await victim.process.kill();
    await goneEverywhere('node3', (leaseTtlSeconds + 10) * 1_000);
    const gone = Date.now();
    await eventually('reads on the ring without node3', () => reads.summary(gone).reads >= 40);
    await reads.stop();
    const windowRecords = reads.records.filter((r) => r.startedAt >= killed && r.startedAt < gone);
    const window = summarize(windowRecords);
    const after = reads.summary(gone);
    const fellBack = (await fallbacks()) - fallbacksBefore;
    console.log(
      `crash: gone from every ring ${gone - killed} ms after SIGKILL (lease ${leaseTtlSeconds} s); in the lease window ` +
        `${window.reads} reads: ${window.correct} correct, ${window.errors} failed, ${window.wrong} wrong, slowest ` +
        `${window.slowestMs} ms; ${fellBack} fallbacks; after it: ${after.correct} of ${after.reads} correct`,
    );
    expect(gone - killed).toBeLessThan((leaseTtlSeconds + 2) * 1_000);
    expect(window.reads).toBeGreaterThan(0);
    // Every read in the window answers the truth, or fails — never a wrong value, and never later than the
    // deadline of the call to the dead owner plus a second.
    expect(windowRecords.filter((r) => r.verdict === 'wrong').map((r) => `${r.key}: ${r.detail}`)).toEqual(
      [],
    );
    expect(
      windowRecords.filter((r) => r.ms >= deadlineMs + 1_000).map((r) => `${r.key}: ${r.ms} ms`),
    ).toEqual([]);
    // Once the ring has dropped it, the dead node costs nothing.
    expect(after.failures).toEqual([]);
  });
});
