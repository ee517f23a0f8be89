import { startCluster, type TestCluster } from '@ringcache/testing';

import { concurrently, gatewayUrl, get, peerUrl } from '../support';

/**
 * Nodes with different static lists disagree about who owns what. Every request must still be answered,
 * and none may travel more than one node-to-node hop: a node never forwards a request that made a hop.
 */
describe('ring disagreement', () => {
  let cluster: TestCluster;
  const keys = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 'Tom' : `user-${i}`));

  beforeAll(async () => {
    cluster = await startCluster({
      transport: 'grpc',
      // node1 knows everyone, node2 only node1 and itself, node3 only node2 and itself.
      staticListFor: (all, i) => [all, [all[0], all[1]], [all[1], all[2]]][i],
    });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('answers every request through every node with at most one hop', async () => {
    const answers = await concurrently(keys.length * 4, (i) => {
      const key = keys[i % keys.length];
      const entry = Math.floor(i / keys.length);
      return entry === 3
        ? get(gatewayUrl(cluster, 'scores', key))
        : get(peerUrl(cluster.nodes[entry], 'scores', key));
    });
    answers.forEach((answer, i) => {
      const key = keys[i % keys.length];
      expect(answer.status).toBe(key === 'Tom' ? 200 : 404);
      if (key === 'Tom') expect(answer.body).toBe('630');
    });

    const metrics = await cluster.metrics();
    const all = [...metrics.values()].flat();
    const received = (hops: string) =>
      all
        .filter((s) => s.name === 'ringcache_peer_requests_total' && s.labels['hops'] === hops)
        .reduce((n, s) => n + s.value, 0);
    const multiHop = all.filter(
      (s) => s.name === 'ringcache_peer_requests_total' && Number(s.labels['hops']) >= 2,
    );
    expect(multiHop.reduce((n, s) => n + s.value, 0)).toBe(0);
    // The rings really disagree (versions differ) and forwards happened, each exactly one hop.
    expect(
      all
        .filter((s) => s.name === 'ringcache_ring_version_mismatches_total')
        .reduce((n, s) => n + s.value, 0),
    ).toBeGreaterThan(0);
    const total = (name: string) => all.filter((s) => s.name === name).reduce((n, s) => n + s.value, 0);
    const forwarded = total('ringcache_peer_calls_total');
    expect(forwarded).toBeGreaterThan(0);
    // Forwards to one node in one turn travel together (one GetMany): every forwarded key went out in a
    // batch, and every batch arrived as one request that had made exactly one hop.
    expect(total('ringcache_peer_batch_keys_sum')).toBe(forwarded);
    expect(received('1')).toBe(total('ringcache_peer_batch_keys_count'));
    expect(
      all
        .filter((s) => s.name === 'ringcache_gets_total' && s.labels['outcome'] === 'error')
        .reduce((n, s) => n + s.value, 0),
    ).toBe(0);
  });
});
