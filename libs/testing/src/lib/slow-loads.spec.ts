import { createConnection, type Connection } from 'mysql2/promise';

import { createItemTable } from './item-table';
import { ScratchMysql } from './scratch-mysql';
import { SlowLoads } from './slow-loads';

describe('SlowLoads', () => {
  let mysql: ScratchMysql;
  let slowLoads: SlowLoads;
  let reader: Connection;
  /** The query a group on the view runs, as its own user (so the process list shows it). */
  const load = (key: string) =>
    reader.execute('SELECT `k`, `v` FROM `slow_item` WHERE `k` IN (?, ?)', [key, key]);

  beforeAll(async () => {
    mysql = await ScratchMysql.create();
    await createItemTable(
      mysql,
      new Map([
        ['a', 'A'],
        ['b', 'B'],
      ]),
    );
    slowLoads = await SlowLoads.create(mysql, 'item', 'slow_item');
    reader = await createConnection(mysql.url);
  });
  afterAll(async () => {
    await reader?.end();
    await mysql?.drop();
  });

  it('makes a key marked slow take the time chosen, sees it running, and makes it fast again', async () => {
    await slowLoads.markSlow(['a'], 1_500);
    const started = Date.now();
    const query = load('a').then(([rows]) => ({ rows, ms: Date.now() - started }));
    const running = await slowLoads.running(5_000);
    expect(running).toMatchObject({ connection: expect.any(Number) });
    expect(await slowLoads.stillRunning(running as { connection: number; ms: number })).toBe(true);
    const { rows, ms } = await query;
    expect(rows).toEqual([{ k: 'a', v: 'A' }]);
    expect(ms).toBeGreaterThanOrEqual(1_490);
    expect(await slowLoads.stillRunning(running as { connection: number; ms: number })).toBe(false);

    await slowLoads.markFast('a');
    const fast = Date.now();
    await load('a');
    expect(Date.now() - fast).toBeLessThan(1_000);
  });

  it('sees nothing running when only fast keys are read', async () => {
    const [rows] = await load('b');
    expect(rows).toEqual([{ k: 'b', v: 'B' }]);
    expect(await slowLoads.running(0)).toBeUndefined();
  });

  it('refuses names that are not plain SQL names', async () => {
    await expect(SlowLoads.create(mysql, 'item; DROP TABLE item', 'v2')).rejects.toThrow(
      'not a plain SQL name: "item; DROP TABLE item"',
    );
  });
});
