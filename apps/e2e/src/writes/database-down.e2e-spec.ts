import { eventually, ScratchMysql, startCluster, TcpProxy, type TestCluster } from '@ringcache/testing';

import { request } from '../support';

/**
 * The database down: cached keys keep serving, misses answer 503 with a clear error, stale-on-error
 * serves expired values (flagged) where a group enables it, no node crashes, and loads resume after.
 * The nodes' readiness says the database is down while it is, and recovers with it.
 */
describe('database down', () => {
  let mysql: ScratchMysql;
  let proxy: TcpProxy;
  let cluster: TestCluster;
  const url = (group: string, key: string) => `${cluster.gateway?.url}/api/v1/groups/${group}/keys/${key}`;

  beforeAll(async () => {
    mysql = await ScratchMysql.create();
    await mysql.exec(
      'CREATE TABLE student (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) UNIQUE, score INT)',
    );
    await mysql.exec('CREATE TABLE item (k VARCHAR(64) PRIMARY KEY, v VARCHAR(64) NOT NULL)');
    await mysql.exec("INSERT INTO item VALUES ('a', 'A'), ('b', 'B'), ('c', 'C')");
    // The nodes reach MariaDB through a proxy the test can cut, as if the database went down.
    proxy = await TcpProxy.start(mysql.host, mysql.port);
    const table = { table: 'item', keyColumn: 'k', valueColumn: 'v' };
    cluster = await startCluster({
      mysqlUrl: mysql.url.replace(`:${mysql.port}/`, `:${proxy.port}/`),
      env: { RINGCACHE_DEMO_SEED: 'false', RINGCACHE_MYSQL_CONNECT_TIMEOUT_MS: '1000' },
      groups: {
        lasting: { ...table, ttl: '10m' },
        stale: { ...table, ttl: '1s', staleOnError: '1m' },
        strict: { ...table, ttl: '1s' },
      },
    });
  });

  afterAll(async () => {
    await cluster?.stop();
    await proxy?.stop();
    await mysql?.drop();
  });

  it('serves hits, answers misses 503, serves stale where enabled, and recovers', async () => {
    let expireAt = 0;
    for (const group of ['lasting', 'stale', 'strict']) {
      const answer = await request('GET', url(group, 'a'));
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: 'A' });
      if (group !== 'lasting')
        expireAt = Math.max(expireAt, Number(answer.headers.get('x-ringcache-expire-at')));
    }
    expect(expireAt).toBeGreaterThan(Date.now());
    await proxy.stop();
    await eventually('the 1 s values expired', () => Date.now() > expireAt, 5_000);

    const lasting = await request('GET', url('lasting', 'a'));
    expect({ status: lasting.status, body: lasting.body }).toEqual({ status: 200, body: 'A' });

    const stale = await request('GET', url('stale', 'a'));
    expect(stale.status).toBe(200);
    expect(stale.body).toBe('A');
    expect(stale.headers.get('x-ringcache-stale')).toBe('1');
    expect(stale.headers.get('warning')).toBe('110 - "Response is Stale"');

    for (const [group, key] of [
      ['strict', 'a'],
      ['lasting', 'b'],
    ]) {
      const failed = await request('GET', url(group, key));
      expect(failed.status).toBe(503);
      expect(JSON.parse(failed.body)).toMatchObject({
        code: expect.stringMatching(/^(load_failed|unavailable)$/),
      });
    }
    expect(cluster.nodes.every((n) => n.process.alive) && cluster.gateway?.process.alive).toBe(true);
    expect(await cluster.sum('ringcache_gets_total', { outcome: 'stale' })).toBeGreaterThan(0);

    await proxy.restart();
    await eventually(
      'loads resume',
      async () => (await request('GET', url('strict', 'a'))).status === 200,
      15_000,
    );
    const fresh = await request('GET', url('stale', 'a'));
    expect({ status: fresh.status, body: fresh.body }).toEqual({ status: 200, body: 'A' });
    expect(fresh.headers.get('x-ringcache-stale')).toBeNull();
    const c = await request('GET', url('lasting', 'c'));
    expect({ status: c.status, body: c.body }).toEqual({ status: 200, body: 'C' });
  });

  it("says so on the nodes' /readyz (503, database down) while the database is away, and is ready again after", async () => {
    const readyz = async (base: string) => {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5_000) });
      return { status: res.status, body: (await res.json()) as Record<string, Record<string, unknown>> };
    };
    for (const node of cluster.nodes) expect((await readyz(node.url)).status).toBe(200);
    await proxy.stop();
    try {
      for (const node of cluster.nodes) {
        await eventually(`${node.name} not ready`, async () => {
          const { status, body } = await readyz(node.url);
          expect(status).toBe(503);
          expect(body['status']).toBe('error');
          expect(body['error']['database']).toMatchObject({ status: 'down', message: expect.any(String) });
          // Only the database: the node is still on its ring, and says so.
          expect(Object.keys(body['error'])).toEqual(['database']);
          expect(body['details']['ring']).toMatchObject({ status: 'up', node: node.name, members: 3 });
          expect(node.process.printed(/not ready \(database: /)).toBe(true);
        });
      }
      // The gateway needs no database: it stays ready.
      expect((await readyz(cluster.gateway?.url as string)).status).toBe(200);
    } finally {
      await proxy.restart();
    }
    for (const node of cluster.nodes) {
      await eventually(
        `${node.name} ready again`,
        async () => (await readyz(node.url)).status === 200,
        15_000,
      );
    }
  });
});
