import {
  createItemTable,
  ITEM_GROUP,
  KeyOwners,
  ScratchMysql,
  startCluster,
  type TestCluster,
} from '@ringcache/testing';

import { gatewayUrl, get, peerUrl } from '../support';

/** A node killed with SIGKILL: its keys are still answered, by the next owner or a local load, in time. */
describe('owner killed with SIGKILL', () => {
  let mysql: ScratchMysql;
  let cluster: TestCluster;
  /** The default peer deadline (peers.deadlineMs). */
  const deadlineMs = 3_000;
  const rows = new Map(Array.from({ length: 200 }, (_, i) => [`k${i}`, `v${i}`]));

  beforeAll(async () => {
    mysql = await ScratchMysql.create();
    await createItemTable(mysql, rows);
    cluster = await startCluster({
      transport: 'grpc',
      mysqlUrl: mysql.url,
      env: { RINGCACHE_DEMO_SEED: 'false' },
      groups: { items: { ...ITEM_GROUP, ttl: '10m' } },
    });
  });

  afterAll(async () => {
    await cluster?.stop();
    await mysql?.drop();
  });

  it("answers the dead node's keys with their values through the gateway and the other nodes, none hanging", async () => {
    const victim = cluster.nodes[1];
    const owners = new KeyOwners(cluster.nodes.map((n) => n.name));
    // Keys the victim owns, computed from the ring: some with a row, some without.
    const keys = [
      ...owners.keysOf(victim.name, 'items', rows.keys(), 6),
      ...owners.keysOf(
        victim.name,
        'items',
        Array.from({ length: 200 }, (_, i) => `absent-${i}`),
        3,
      ),
    ];
    await victim.process.kill();

    const survivors = cluster.nodes.filter((n) => n !== victim);
    for (const key of keys) {
      const value = rows.get(key);
      for (const url of [
        gatewayUrl(cluster, 'items', key),
        ...survivors.map((n) => peerUrl(n, 'items', key)),
      ]) {
        const started = performance.now();
        const answer = await get(url);
        const tookMs = performance.now() - started;
        if (value === undefined)
          expect({ url, ...answer }).toEqual({
            url,
            status: 404,
            body: expect.stringContaining('"code":"not_found"'),
          });
        else expect({ url, ...answer }).toEqual({ url, status: 200, body: value });
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
