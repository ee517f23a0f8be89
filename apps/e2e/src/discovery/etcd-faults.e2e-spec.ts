import { Etcd3 } from 'etcd3';

import {
  BackgroundReads,
  EtcdCluster,
  eventually,
  sleep,
  startCluster,
  type TestCluster,
} from '@ringcache/testing';

import { converged, scoresTargets, viewOf, viewUrls, views } from '../support';

const NAMES = ['node1', 'node2', 'node3'];
const keys = ['Tom', 'Jack', 'Sam', 'absent-1', 'absent-2'];

/**
 * Asks every live process for its view every 100 ms until stopped. A view with another member count is a
 * flap; a call that fails or is not answered within 5 s is a failure too, so a process that stops answering
 * during the fault is counted rather than skipped.
 */
function watchMembership(cluster: TestCluster, expected: number) {
  let samples = 0;
  const flaps: string[] = [];
  const unanswered: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      await Promise.all(
        viewUrls(cluster).map(async ([name, url]) => {
          samples++;
          try {
            const view = await viewOf(url);
            if (view.members.length !== expected) flaps.push(`${name}: ${view.members.length} members`);
          } catch (error) {
            unanswered.push(`${name}: ${(error as Error).message}`);
          }
        }),
      );
      await sleep(100);
    }
  })();
  return {
    get samples() {
      return samples;
    },
    stop: async () => {
      running = false;
      await loop;
      return { samples, flaps, unanswered };
    },
  };
}

describe('a 3-member etcd losing its leader', () => {
  let etcd: EtcdCluster;
  let cluster: TestCluster;
  const leaseTtlSeconds = 5;

  beforeAll(async () => {
    etcd = await EtcdCluster.start(3);
    cluster = await startCluster({ etcd: { endpoints: etcd.endpoints, leaseTtlSeconds } });
    await eventually('all agree', () => converged(cluster, NAMES));
  });

  afterAll(async () => {
    await cluster?.stop();
    await etcd?.stop();
  });

  it('keeps registrations, watches and reads going when the etcd leader is killed', async () => {
    const reads = new BackgroundReads(scoresTargets(cluster, keys));
    const watcher = watchMembership(cluster, 3);
    await eventually('reads and views flowing', () => reads.records.length > 0 && watcher.samples > 0);
    const leader = await etcd.leader();
    const killed = Date.now();
    await etcd.kill(leader);
    await eventually('a new etcd leader', async () => (await etcd.leader()) !== leader, 10_000);
    // Watch for a lease TTL and a second past the kill: a keep-alive lost in the leader change would have
    // let a node's registration expire, and every watcher would have dropped it, by then.
    await sleep(Math.max(0, killed + leaseTtlSeconds * 1_000 + 1_000 - Date.now()));
    const membership = await watcher.stop();
    const stats = await reads.stop();
    expect(stats.failures).toEqual([]);
    expect(stats.correct).toBeGreaterThan(0);
    expect(membership.unanswered).toEqual([]);
    expect(membership.flaps).toEqual([]);
    expect(membership.samples).toBeGreaterThan(20);
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
    const reads = new BackgroundReads(scoresTargets(cluster, keys));
    const member = etcd.members[0];
    await etcd.kill(member);
    // The outage itself: more than three lease TTLs, so every lease is long expired when etcd returns.
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
      `etcd back: converged in ${tookMs} ms; ${stats.correct} reads correct, ${stats.failures.length} not, during the outage`,
    );
    expect(stats.failures).toEqual([]);
    expect(stats.correct).toBeGreaterThan(0);
    // Registered again: the keys are back under fresh leases, and a newcomer is seen by everyone.
    await cluster.addNode('node4');
    await eventually('node4 everywhere', () => converged(cluster, [...NAMES, 'node4']), 10_000);
  });
});
