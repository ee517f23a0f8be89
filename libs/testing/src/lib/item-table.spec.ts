import { createItemTable } from './item-table';
import { ScratchMysql } from './scratch-mysql';

describe('createItemTable', () => {
  let mysql: ScratchMysql;

  beforeAll(async () => {
    mysql = await ScratchMysql.create({ ownUser: false });
  });
  afterAll(() => mysql?.drop());

  it('creates the demo table empty and the item table with every row, in chunks', async () => {
    const rows = new Map(Array.from({ length: 2_500 }, (_, i) => [`k${i}`, `v${i}`]));
    await createItemTable(mysql, rows);
    expect(await mysql.exec('SELECT COUNT(*) AS n FROM student')).toEqual([{ n: 0 }]);
    expect(await mysql.exec('SELECT COUNT(*) AS n FROM item')).toEqual([{ n: 2_500 }]);
    expect(await mysql.exec("SELECT v FROM item WHERE k = 'k2499'")).toEqual([{ v: 'v2499' }]);
  });
});
