import { createConnection } from 'mysql2/promise';

import { PrivateMariadb } from './private-mariadb';
import { ScratchMysql } from './scratch-mysql';

describe('PrivateMariadb', () => {
  it('runs a server of its own that can be stopped and started again, keeping its data', async () => {
    const db = await PrivateMariadb.start();
    try {
      const scratch = await ScratchMysql.create({ adminUrl: db.adminUrl, ownUser: false });
      await scratch.exec('CREATE TABLE t (v INT)');
      await scratch.exec('INSERT INTO t VALUES (7)');
      await db.stop();
      await expect(
        createConnection({ host: '127.0.0.1', port: db.port, user: 'root', connectTimeout: 1_000 }),
      ).rejects.toThrow();
      await db.restart();
      const connection = await createConnection({ host: '127.0.0.1', port: db.port, user: 'root' });
      const [rows] = await connection.query(`SELECT v FROM \`${scratch.database}\`.t`);
      await connection.end();
      expect(rows).toEqual([{ v: 7 }]);
    } finally {
      await db.remove();
    }
  }, 60_000);
});
