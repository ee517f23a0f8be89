import {
  createItemTable,
  ITEM_GROUP,
  KeyOwners,
  ScratchMysql,
  startCluster,
  type TestCluster,
} from '@ringcache/testing';

import { gatewayUrl, get, peerUrl, request } from '../support';

/**
 * A hung node (SIGSTOP: alive, connections accepted by the kernel, nothing answered): after a few calls
 * that wait out the peer deadline, outlier detection skips it, and its keys are answered by the next owner
 * at once; after SIGCONT a probe brings it back.
 */
describe('a hung node is skipped, then brought back', () => {
  let mysql: ScratchMysql;
  let cluster: TestCluster;
  /** The default peer deadline (peers.deadlineMs). */
  const deadlineMs = 3_000;
  const rows = new Map(Array.from({ length: 300 }, (_, i) => [`k${i}`, `v${i}`]));

  beforeAll(async () => {
    mysql = await ScratchMysql.create();
    await createItemTable(mysql, rows);
    cluster = await startCluster({
      transport: 'grpc',
      mysqlUrl: mysql.url,
      env: {
        RINGCACHE_DEMO_SEED: 'false',
        // The gateway asks the owners every time: no near copy hides the hop.
        RINGCACHE_GATEWAY_NEAR_CACHE_BYTES: '0',
        // Outlier detection tuned (defaults: 3 failures, 5 s): skip after 2 failed calls, probe after 2 s.
        RINGCACHE_PEERS_OUTLIER_FAILURES: '2',
        RINGCACHE_PEERS_OUTLIER_COOLDOWN: '2s',
      },
      groups: { items: { ...ITEM_GROUP, ttl: '10m' } },
    });
  });

  afterAll(async () => {
    cluster?.nodes.forEach((n) => n.process.signal('SIGCONT'));
    await cluster?.stop();
    await mysql?.drop();
  });

  it("answers the hung node's keys at once after the first few, with their values, and uses it again after SIGCONT", async () => {
    const victim = cluster.nodes[2];
    const owners = new KeyOwners(cluster.nodes.map((n) => n.name));
    const keys = owners.keysOf(victim.name, 'items', rows.keys(), 40);
    victim.process.signal('SIGSTOP');

    const took: number[] = [];
    for (const key of keys.slice(0, 30)) {
      const started = performance.now();
      const answer = await get(gatewayUrl(cluster, 'items', key));
      took.push(performance.now() - started);
      expect({ key, ...answer }).toEqual({ key, status: 200, body: rows.get(key) });
    }
    const slow = took.filter((ms) => ms >= deadlineMs);
    console.log(
      `hung node: ${slow.length} of ${took.length} reads waited out the ${deadlineMs} ms deadline; ` +
        `the others took at most ${Math.max(...took.filter((ms) => ms < deadlineMs)).toFixed(0)} ms`,
    );
    // Outlier detection opens after 2 failed calls in a row (as configured): only those pay the deadline.
    expect(slow.length).toBeLessThanOrEqual(2);
    expect(cluster.gateway?.process.output()).toContain(
      `peer ${victim.name}: 2 calls in a row failed; skipped, and probed again in 2000 ms or more`,
    );
    // Every read is bounded by the deadline + 1 s; the skipped ones do not wait for the peer at all.
    expect(Math.max(...took)).toBeLessThan(deadlineMs + 1_000);
    expect(took.slice(slow.length + 1).every((ms) => ms < deadlineMs)).toBe(true);

    victim.process.signal('SIGCONT');
    const before = await victimGets();
    // After the cooldown (2 s) a probe goes to the victim, and its answer brings it back.
    const deadline = Date.now() + 20_000;
    let i = 30;
    while ((await victimGets()) === before && Date.now() < deadline) {
      const key = keys[i++ % keys.length];
      const answer = await get(gatewayUrl(cluster, 'items', key));
      expect({ key, ...answer }).toEqual({ key, status: 200, body: rows.get(key) });
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await victimGets()).toBeGreaterThan(before);

    async function victimGets(): Promise<number> {
      const text = await (await fetch(`${victim.url}/metrics`)).text();
      const lines = text.split('\n').filter((l) => l.startsWith('ringcache_gets_total{'));
      return lines.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    }
  });

  it('stores writes at a healthy owner while a node that holds copies of their keys hangs', async () => {
    const [owner, , victim] = cluster.nodes;
    const owners = new KeyOwners(cluster.nodes.map((n) => n.name));
    const keys = owners.keysOf(owner.name, 'items', rows.keys(), 4);
    // The victim reads the keys from their owner, which must then have it drop its copies on every write.
    for (const key of keys)
      expect(await get(peerUrl(victim, 'items', key))).toEqual({ status: 200, body: rows.get(key) });
    victim.process.signal('SIGSTOP');
    try {
      // The owner waits out its peer deadline for the victim's answer to its invalidation (until its outlier
      // detection skips the victim): the gateway must wait for the owner as long, not fail a stored write.
      for (const key of keys) {
        const put = await request('PUT', gatewayUrl(cluster, 'items', key), `new ${key}`);
        expect({ key, status: put.status, body: put.body }).toEqual({
          key,
          status: 200,
          body: expect.stringContaining('expireAtMs'),
        });
        expect(await get(gatewayUrl(cluster, 'items', key))).toEqual({ status: 200, body: `new ${key}` });
      }
      // The owner stays in use: the gateway did not take its slow answers for a hung owner.
      expect(cluster.gateway?.process.output()).not.toContain(`peer ${owner.name}: 2 calls in a row failed`);
    } finally {
      victim.process.signal('SIGCONT');
    }
  });
});
