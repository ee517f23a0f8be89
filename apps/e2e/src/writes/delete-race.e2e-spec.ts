import {
  createItemTable,
  ITEM_GROUP,
  ScratchMysql,
  SlowLoads,
  startCluster,
  type TestCluster,
} from '@ringcache/testing';

import { get, ownerOf, peerUrl, request } from '../support';

/** Trials of the race; each takes about one slow load. */
const TRIALS = 300;
/** How long the database takes to read a trial's row while the row is marked slow. */
const LOAD_MS = 100;

/**
 * The cache-aside race a generation check exists for: a load reads a row, the application updates the row
 * and deletes the key, then the load finishes. The load's old value must not be stored, so a read made
 * after the Delete returned sees the new row. Each trial proves it raced: its load is seen running in the
 * database before the UPDATE, and the same statement is still running after the Delete returned.
 */
describe('a Delete racing a load in flight', () => {
  let mysql: ScratchMysql;
  let cluster: TestCluster;
  let slowLoads: SlowLoads;
  const keys = Array.from({ length: TRIALS }, (_, i) => `race-${i}`);
  const url = (key: string) => `${cluster.gateway?.url}/api/v1/groups/slow/keys/${key}`;

  beforeAll(async () => {
    mysql = await ScratchMysql.create();
    await createItemTable(mysql, new Map(keys.map((key) => [key, `old-${key}`])));
    slowLoads = await SlowLoads.create(mysql, 'item', 'slow_item');
    await slowLoads.markSlow(keys, LOAD_MS);
    cluster = await startCluster({
      transport: 'grpc',
      mysqlUrl: mysql.url,
      env: { RINGCACHE_DEMO_SEED: 'false' },
      groups: { slow: { ...ITEM_GROUP, table: 'slow_item' } },
    });
  });

  afterAll(async () => {
    await cluster?.stop();
    await mysql?.drop();
  });

  it(`never serves a value loaded before a Delete to a read made after it returned (${TRIALS} trials, most of them racing)`, async () => {
    const stale: string[] = [];
    let raced = 0;
    let inFlightOld = 0;
    const deleteMs: number[] = [];
    for (const key of keys) {
      const inFlight = get(url(key)); // a load of the old row, sleeping in the database
      const load = await slowLoads.running(5_000);
      // The application's write (the row is fast from now on, so the reload after the Delete is quick)…
      await mysql.exec('UPDATE item SET v = ? WHERE k = ?', [`new-${key}`, key]);
      await slowLoads.markFast(key);
      // …and its invalidation.
      const started = performance.now();
      const deleted = await request('DELETE', url(key));
      deleteMs.push(performance.now() - started);
      expect({ key, status: deleted.status }).toEqual({ key, status: 200 });
      if (load && (await slowLoads.stillRunning(load))) raced++;
      const after = await get(url(key));
      if (after.body !== `new-${key}`)
        stale.push(`${key} right after the Delete: ${after.status} ${after.body}`);
      const first = await inFlight;
      if (first.body === `old-${key}`) inFlightOld++;
      // Once the old load has ended: through the gateway (and its near cache), and at the owner itself.
      const owner = cluster.node(ownerOf(cluster, 'slow', key));
      for (const [where, at] of [
        ['through the gateway', url(key)],
        [`at the owner ${owner.name}`, peerUrl(owner, 'slow', key)],
      ]) {
        const later = await get(at);
        if (later.body !== `new-${key}`)
          stale.push(`${key} ${where} once the load ended: ${later.status} ${later.body}`);
      }
    }
    deleteMs.sort((a, b) => a - b);
    console.log(
      `delete race: ${raced} of ${TRIALS} trials raced (load seen in the database before the write and still ` +
        `running after the Delete returned); ${inFlightOld} in-flight reads answered the old row; Delete ` +
        `p50 ${deleteMs[TRIALS >> 1].toFixed(1)} ms, max ${deleteMs[TRIALS - 1].toFixed(1)} ms; ${stale.length} stale reads`,
    );
    expect(raced).toBeGreaterThanOrEqual(TRIALS * 0.8);
    expect(stale).toEqual([]);
  });

  it('loads a row marked slow in the time chosen: the instrument the trials rely on works', async () => {
    await mysql.exec("INSERT INTO item VALUES ('timing', 't')");
    await slowLoads.markSlow(['timing'], 500);
    const started = performance.now();
    expect(await get(url('timing'))).toEqual({ status: 200, body: 't' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(500);
  });
});
