import {
  createItemTable,
  eventually,
  ITEM_GROUP,
  KeyOwners,
  scrapeMetrics,
  ScratchMysql,
  startCluster,
  sumMetric,
  type NodeHandle,
  type TestCluster,
} from '@ringcache/testing';

import { gatewayUrl, get, request } from '../support';

/**
 * The HTTP peer transport's data calls as frames on upgraded connections, between real processes on
 * MariaDB: taken up once connected and counted on every node's /metrics; a node killed under them is
 * answered for by the next owner, none hanging; a node restarted is sent frames again.
 */
describe('HTTP peers sending frames', () => {
  let mysql: ScratchMysql;
  let cluster: TestCluster;
  const rows = new Map(Array.from({ length: 200 }, (_, i) => [`k${i}`, `v${i}`]));
  const deadlineMs = 3_000;
  const metric = async (node: NodeHandle, name: string) =>
    sumMetric(await scrapeMetrics(`${node.url}/metrics`), name);
  const framesServed = async (nodes: NodeHandle[]) =>
    (await Promise.all(nodes.map((n) => metric(n, 'ringcache_peer_frame_requests_total')))).reduce(
      (a, b) => a + b,
      0,
    );

  beforeAll(async () => {
    mysql = await ScratchMysql.create();
    await createItemTable(mysql, rows);
    cluster = await startCluster({
      transport: 'http',
      mysqlUrl: mysql.url,
      // Every read of the gateway goes to the key's owner.
      env: { RINGCACHE_DEMO_SEED: 'false', RINGCACHE_GATEWAY_NEAR_CACHE_BYTES: '0' },
      groups: { items: { ...ITEM_GROUP, ttl: '10m' } },
    });
  });

  afterAll(async () => {
    await cluster?.stop();
    await mysql?.drop();
  });

  it("carries the gateway's reads and writes to every node as frames once connected", async () => {
    for (const [key, value] of rows) expect((await get(gatewayUrl(cluster, 'items', key))).body).toBe(value);
    await eventually('a framed connection to every node', async () => {
      const open = await Promise.all(cluster.nodes.map((n) => metric(n, 'ringcache_peer_frame_connections')));
      return open.every((count) => count >= 1);
    });
    const before = await framesServed(cluster.nodes);
    for (const [key, value] of rows) expect((await get(gatewayUrl(cluster, 'items', key))).body).toBe(value);
    // One read at a time: each is its own call to its owner, and every one went as a frame.
    expect((await framesServed(cluster.nodes)) - before).toBeGreaterThanOrEqual(rows.size);
    const headers = { 'content-type': 'application/octet-stream' };
    for (let i = 0; i < 20; i++) {
      const url = gatewayUrl(cluster, 'items', `written-${i}`);
      expect((await request('PUT', url, `w${i}`, headers)).status).toBe(200);
      expect(await get(url)).toEqual({ status: 200, body: `w${i}` });
      expect((await request('DELETE', url)).status).toBe(200);
      expect((await get(url)).status).toBe(404);
    }
  });

  it("answers a killed node's keys through the next owner, none hanging, and frames its restart again", async () => {
    const victim = cluster.nodes[1];
    const owners = new KeyOwners(cluster.nodes.map((n) => n.name));
    const keys = owners.keysOf(victim.name, 'items', rows.keys(), 8);
    expect(await metric(victim, 'ringcache_peer_frame_connections')).toBeGreaterThanOrEqual(1);
    await victim.process.kill();
    for (const key of keys) {
      const started = performance.now();
      expect(await get(gatewayUrl(cluster, 'items', key))).toEqual({ status: 200, body: rows.get(key) });
      expect(performance.now() - started).toBeLessThan(deadlineMs + 1_000);
    }
    await cluster.restartNode(victim.name);
    // Within the gateway's skip of the dead node (5 s, doubled by a failed probe) and its reconnection.
    await eventually(
      'the gateway sending frames to the restarted node',
      async () => {
        for (const key of keys) await get(gatewayUrl(cluster, 'items', key));
        return (await framesServed([victim])) > 0;
      },
      30_000,
    );
  });
});
