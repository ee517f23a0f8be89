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
      // scores holds a not-found for a minute, far longer than a flood takes on a loaded machine; brief, on
      // the same table, for 3 s, to see it asked again after.
      groups: {
        scores: { negativeTtl: '1m' },
        brief: { table: 'student', keyColumn: 'name', valueColumn: 'score', negativeTtl: '3s' },
      },
    });
  });

  afterAll(async () => {
    await cluster?.stop();
    await mysql?.drop();
  });

  it('answers 1,000 concurrent GETs of an absent key 404 with one query, and keeps answering from the cache', async () => {
    const selects = await mysql.selects();
    const answers = await concurrently(1_000, (i) =>
      i % 4 === 3
        ? get(gatewayUrl(cluster, 'scores', 'Nobody'))
        : get(peerUrl(cluster.nodes[i % 4], 'scores', 'Nobody')),
    );
    expect(answers.filter((a) => a.status !== 404 || JSON.parse(a.body).code !== 'not_found')).toEqual([]);
    expect((await mysql.selects()) - selects).toBe(1);
    expect(await cluster.sum('ringcache_loads_total', { group: 'scores', result: 'not_found' })).toBe(1);
    expect((await get(gatewayUrl(cluster, 'scores', 'Nobody'))).status).toBe(404);
    expect((await mysql.selects()) - selects).toBe(1);
  });

  it('asks the database again once the negative TTL has passed', async () => {
    const selects = await mysql.selects();
    const started = Date.now();
    const first = await request('GET', gatewayUrl(cluster, 'brief', 'Nobody'));
    const ended = Date.now();
    expect(first.status).toBe(404);
    expect((await mysql.selects()) - selects).toBe(1);
    // Held for 3 s ± 10 %, as the answer says; not asked again before that…
    const expireAt = Number(first.headers.get('x-ringcache-expire-at'));
    expect(expireAt).toBeGreaterThanOrEqual(started + 2_700);
    expect(expireAt).toBeLessThanOrEqual(ended + 3_300);
    expect((await get(gatewayUrl(cluster, 'brief', 'Nobody'))).status).toBe(404);
    expect((await mysql.selects()) - selects).toBe(1);
    // …and asked again once it has expired.
    await eventually('the not-found entry expired', () => Date.now() > expireAt, 5_000);
    expect((await get(gatewayUrl(cluster, 'brief', 'Nobody'))).status).toBe(404);
    expect((await mysql.selects()) - selects).toBe(2);
  });

  it('tells not found apart from an unknown group and from a value', async () => {
    const unknown = await get(gatewayUrl(cluster, 'no-such-group', 'Tom'));
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).code).toBe('unknown_group');
    expect(await get(gatewayUrl(cluster, 'scores', 'Nobody Else'))).toEqual({ status: 200, body: '1' });
  });
});
