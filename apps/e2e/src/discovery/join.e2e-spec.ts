import { EtcdCluster, eventually, startCluster, type TestCluster } from '@ringcache/testing';

import { concurrently, converged, gatewayUrl, get, peerUrl, views } from '../support';

/** Nodes find each other through etcd; the ring follows membership live, with no manual list. */
describe('joining through etcd', () => {
  let etcd: EtcdCluster;
  let cluster: TestCluster;

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
    cluster = await startCluster({ etcd: { endpoints: etcd.endpoints } });
  });

  afterAll(async () => {
    await cluster?.stop();
    await etcd?.stop();
  });

  it('gives the 3 nodes and the gateway the same ring', async () => {
    await eventually('all four agree', () => converged(cluster, ['node1', 'node2', 'node3']));
    const versions = new Set([...(await views(cluster)).values()].map((v) => v.ringVersion));
    expect(versions.size).toBe(1);
  });

  it('takes a 4th node in everywhere, and still loads a cold key once under a stampede', async () => {
    const before = [...(await views(cluster)).values()][0].ringVersion;
    await cluster.addNode('node4');
    const tookMs = await eventually('all five agree on 4 nodes', () =>
      converged(cluster, ['node1', 'node2', 'node3', 'node4']),
    );
    const versions = new Set([...(await views(cluster)).values()].map((v) => v.ringVersion));
    expect(versions.size).toBe(1);
    expect([...versions][0]).not.toBe(before);
    console.log(`4th node visible on every ring ${tookMs} ms after it was ready`);

    const loads = await cluster.sum('ringcache_loads_total', { group: 'scores' });
    const answers = await concurrently(1_000, (i) =>
      i % 5 === 4
        ? get(gatewayUrl(cluster, 'scores', 'Jack'))
        : get(peerUrl(cluster.nodes[i % 5], 'scores', 'Jack')),
    );
    expect(answers.every((a) => a.status === 200 && a.body === '589')).toBe(true);
    expect((await cluster.sum('ringcache_loads_total', { group: 'scores' })) - loads).toBe(1);
  });
});
