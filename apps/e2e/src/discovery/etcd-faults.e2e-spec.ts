import { Etcd3 } from 'etcd3';

import { EtcdCluster, eventually, sleep, startCluster, type TestCluster } from '@ringcache/testing';

import { backgroundReads, converged, views } from '../support';

const NAMES = ['node1', 'node2', 'node3'];
const keys = ['Tom', 'Jack', 'Sam', 'absent-1', 'absent-2'];

/** Samples every process's member count until stopped; any sample below `expected` is a flap. */
function watchForFlaps(cluster: TestCluster, expected: number) {
  const seen: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const view of (await views(cluster).catch(() => new Map())).values())
        seen.push(view.members.length);
      await sleep(100);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { samples: seen.length, flaps: seen.filter((n) => n !== expected).length };
    },
  };
}

describe('a 3-member etcd losing its leader', () => {
  let etcd: EtcdCluster;
  let cluster: TestCluster;

  beforeAll(async () => {
    etcd = await EtcdCluster.start(3);
    cluster = await startCluster({ etcd: { endpoints: etcd.endpoints } });
    await eventually('all agree', () => converged(cluster, NAMES));
  });

  afterAll(async () => {
    await cluster?.stop();
    await etcd?.stop();
  });

  it('keeps registrations, watches and reads going when the etcd leader is killed', async () => {
    const reads = backgroundReads(cluster, keys);
    const flaps = watchForFlaps(cluster, 3);
    await sleep(500);
    const leader = await etcd.leader();
    await etcd.kill(leader);
    await sleep(6_000);
    const flapStats = await flaps.stop();
    const stats = await reads.stop();
    expect(stats.failures).toEqual([]);
    expect(stats.ok).toBeGreaterThan(0);
    expect(flapStats.flaps).toBe(0);
    expect(flapStats.samples).toBeGreaterThan(20);
    // The registrations are still in etcd, and a change still reaches every watcher.
    const client = new Etcd3({ hosts: etcd.members.filter((m) => m !== leader).map((m) => m.endpoint) });
    try {
      expect((await client.getAll().prefix('ringcache/e2e/node/').keys()).length).toBe(3);
    } finally {
      client.close();
    }
    await cluster.addNode('node4');
    await eventually('node4 everywhere', () => converged(cluster, [...NAMES, 'node4']));
    await etcd.restart(leader);
  });
});

describe('etcd down for 10 s', () => {
  let etcd: EtcdCluster;
  let cluster: TestCluster;

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
    cluster = await startCluster({ etcd: { endpoints: etcd.endpoints, leaseTtlSeconds: 3 } });
    await eventually('all agree', () => converged(cluster, NAMES));
  });

  afterAll(async () => {
    await cluster?.stop();
    await etcd?.stop();
  });

  it('keeps serving on the last ring, then re-registers and converges when etcd returns', async () => {
    const before = [...(await views(cluster)).values()][0].ringVersion;
    const reads = backgroundReads(cluster, keys);
    const member = etcd.members[0];
    await etcd.kill(member);
    await sleep(10_000);
    const during = await views(cluster);
    expect([...during.values()].every((v) => v.ringVersion === before && v.members.length === 3)).toBe(true);
    // Still ready: etcd is reported unreachable, but every process serves on its last ring, so none leaves
    // rotation (all gateways doing so would turn the etcd outage into a full one).
    for (const url of [cluster.gateway?.url, ...cluster.nodes.map((n) => n.url)]) {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
      const body = (await response.json()) as { details: { etcd: { status: string; reachable: boolean } } };
      expect({ url, status: response.status, etcd: body.details.etcd }).toMatchObject({
        url,
        status: 200,
        etcd: { status: 'up', reachable: false },
      });
    }
    await etcd.restart(member);
    const tookMs = await eventually('converged after etcd returned', () => converged(cluster, NAMES), 20_000);
    const stats = await reads.stop();
    console.log(
      `etcd back: converged in ${tookMs} ms; ${stats.ok} reads ok, ${stats.failed} failed during the outage`,
    );
    expect(stats.failures).toEqual([]);
    // Registered again: the keys are back under fresh leases, and a newcomer is seen by everyone.
    await cluster.addNode('node4');
    await eventually('node4 everywhere', () => converged(cluster, [...NAMES, 'node4']), 10_000);
  });
});
