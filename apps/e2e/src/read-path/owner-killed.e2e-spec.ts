import { startCluster, type TestCluster } from '@ringcache/testing';

import { gatewayUrl, get, ownerOf, peerUrl } from '../support';

/** A node killed with SIGKILL: its keys are still answered, by the next owner or a local load, in time. */
describe('owner killed with SIGKILL', () => {
  let cluster: TestCluster;
  /** The default peer deadline (peers.deadlineMs). */
  const deadlineMs = 3_000;

  beforeAll(async () => {
    cluster = await startCluster({ transport: 'grpc' });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it("answers the dead node's keys through the gateway and the other nodes, none hanging", async () => {
    const victim = cluster.nodes[1];
    const keys = ['Tom', 'Jack', 'Sam', ...Array.from({ length: 200 }, (_, i) => `k${i}`)]
      .filter((k) => ownerOf(cluster, 'scores', k) === victim.name)
      .slice(0, 6);
    expect(keys.length).toBeGreaterThan(2);
    await victim.process.kill();

    const survivors = cluster.nodes.filter((n) => n !== victim);
    for (const key of keys) {
      for (const url of [
        gatewayUrl(cluster, 'scores', key),
        ...survivors.map((n) => peerUrl(n, 'scores', key)),
      ]) {
        const started = performance.now();
        const answer = await get(url);
        const tookMs = performance.now() - started;
        expect([200, 404]).toContain(answer.status);
        if (key === 'Tom') expect(answer.body).toBe('630');
        expect(tookMs).toBeLessThan(deadlineMs + 1_000);
      }
    }
    const fallbacks = await cluster.sum('ringcache_fallbacks_total');
    const gatewayFallbacks = (await (await fetch(`${cluster.gateway?.url}/metrics`)).text()).match(
      /^ringcache_gateway_fallbacks_total (\d+)/m,
    );
    expect(fallbacks + Number(gatewayFallbacks?.[1] ?? 0)).toBeGreaterThan(0);
  });
});
