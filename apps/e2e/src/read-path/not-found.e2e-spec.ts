import { eventually, ScratchMysql, startCluster, type TestCluster } from '@ringcache/testing';

import { concurrently, gatewayUrl, get, peerUrl, request } from '../support';

/** Not found is cached briefly, so a flood of misses cannot reach the database. */
describe('not found', () => {
  let mysql: ScratchMysql;
  let cluster: TestCluster;

  beforeAll(async () => {
    mysql = await ScratchMysql.create();
    await mysql.exec(
      'CREATE TABLE student (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL UNIQUE, score INT NOT NULL)',
    );
    await mysql.exec("INSERT INTO student (name, score) VALUES ('Tom', 630), ('Nobody Else', 1)");
    cluster = await startCluster({
      mysqlUrl: mysql.url,
      env: { RINGCACHE_DEMO_SEED: 'false' },
      groups: { scores: { negativeTtl: '1500ms' } },
    });
  });

  afterAll(async () => {
    await cluster?.stop();
    await mysql?.drop();
  });

  it('answers 1,000 concurrent GETs of an absent key 404 with one query, and queries again after the negative TTL', async () => {
    const selects = await mysql.selects();
    const answers = await concurrently(1_000, (i) =>
      i % 4 === 3
        ? get(gatewayUrl(cluster, 'scores', 'Nobody'))
        : get(peerUrl(cluster.nodes[i % 4], 'scores', 'Nobody')),
    );
    expect(answers.filter((a) => a.status !== 404 || JSON.parse(a.body).code !== 'not_found')).toEqual([]);
    expect((await mysql.selects()) - selects).toBe(1);
    expect(await cluster.sum('ringcache_loads_total', { result: 'not_found' })).toBe(1);

    // Still cached within the TTL...
    const cached = await request('GET', gatewayUrl(cluster, 'scores', 'Nobody'));
    expect(cached.status).toBe(404);
    expect((await mysql.selects()) - selects).toBe(1);
    // ...and asked again once it has expired (1.5 s ± 10 %, as its answer says).
    const expireAt = Number(cached.headers.get('x-ringcache-expire-at'));
    expect(expireAt).toBeGreaterThan(Date.now());
    await eventually('the not-found entry expired', () => Date.now() > expireAt, 5_000);
    expect((await get(gatewayUrl(cluster, 'scores', 'Nobody'))).status).toBe(404);
    expect((await mysql.selects()) - selects).toBe(2);
  });

  it('tells not found apart from an unknown group and from a value', async () => {
    const unknown = await get(gatewayUrl(cluster, 'no-such-group', 'Tom'));
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).code).toBe('unknown_group');
    expect(await get(gatewayUrl(cluster, 'scores', 'Nobody Else'))).toEqual({ status: 200, body: '1' });
  });
});
