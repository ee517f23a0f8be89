import { GrpcPeerClient } from '@ringcache/peer-grpc';
import { ScratchMysql, startCluster, type TestCluster } from '@ringcache/testing';

import { concurrently, gatewayUrl, get, peerUrl, type Answer } from '../support';

/**
 * The heart of ringcache: 1,000 concurrent GETs of one cold key, spread over the gateway and every
 * node's peer endpoint, reach the database once — on real processes, real sockets, real MariaDB.
 */
describe.each(['grpc', 'http'] as const)('stampede on MariaDB with %s peers', (transport) => {
  let mysql: ScratchMysql;
  let cluster: TestCluster;
  const clients: GrpcPeerClient[] = [];

  beforeAll(async () => {
    mysql = await ScratchMysql.create();
    // The suite's own table and rows; the nodes do not seed anything.
    await mysql.exec(
      'CREATE TABLE student (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL UNIQUE, score INT NOT NULL)',
    );
    await mysql.exec("INSERT INTO student (name, score) VALUES ('Tom', 630), ('Jack', 589), ('Sam', 567)");
    cluster = await startCluster({ transport, mysqlUrl: mysql.url, env: { RINGCACHE_DEMO_SEED: 'false' } });
    if (transport === 'grpc') {
      for (const node of cluster.nodes)
        clients.push(new GrpcPeerClient({ name: node.name, address: `127.0.0.1:${node.grpcPort}` }));
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await cluster?.stop();
    await mysql?.drop();
  });

  /** One GET of `key` through entry point `i`: the gateway, or one node's peer endpoint (hops 0). */
  async function getVia(i: number, key: string): Promise<Answer> {
    const entry = i % 4;
    if (entry === 3) return get(gatewayUrl(cluster, 'scores', key));
    const node = cluster.nodes[entry];
    if (transport === 'http') return get(peerUrl(node, 'scores', key));
    const response = await clients[entry].get(
      { group: 'scores', key, hops: 0, ringVersion: '' },
      { deadlineMs: 20_000 },
    );
    return { status: response.found ? 200 : 404, body: Buffer.from(response.value).toString() };
  }

  it('loads a cold key once for 1,000 concurrent requests, and the database sees one query', async () => {
    const loadsBefore = await cluster.sum('ringcache_loads_total', { group: 'scores' });
    const selectsBefore = await mysql.selects();
    const started = performance.now();
    const answers = await concurrently(1_000, (i) => getVia(i, 'Tom'));
    const elapsedMs = performance.now() - started;

    expect(answers.filter((a) => a.status !== 200 || a.body !== '630')).toEqual([]);
    expect((await cluster.sum('ringcache_loads_total', { group: 'scores' })) - loadsBefore).toBe(1);
    expect((await mysql.selects()) - selectsBefore).toBe(1);
    // Every node took part: each answered its share from a peer, its hot copy, or (the owner) its cache.
    const metrics = await cluster.metrics();
    for (const node of cluster.nodes) {
      const gets = (metrics.get(node.name) ?? [])
        .filter((s) => s.name === 'ringcache_gets_total')
        .reduce((n, s) => n + s.value, 0);
      expect(gets).toBeGreaterThan(0);
    }
    console.log(
      `stampede (${transport}): 1,000 requests, 1 load, 1 query, ${elapsedMs.toFixed(0)} ms to the last answer`,
    );
  });

  it('answers every key of the table through every entry point, then from cache', async () => {
    const expected: Record<string, string> = { Tom: '630', Jack: '589', Sam: '567' };
    const keys = Object.keys(expected);
    const answers = await concurrently(120, (i) => getVia(i, keys[i % 3]));
    answers.forEach((a, i) => expect(a).toEqual({ status: 200, body: expected[keys[i % 3]] }));
    const selectsBefore = await mysql.selects();
    await concurrently(120, (i) => getVia(i, keys[i % 3]));
    expect((await mysql.selects()) - selectsBefore).toBe(0);
  });
});
