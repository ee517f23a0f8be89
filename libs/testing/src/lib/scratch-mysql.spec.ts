import { createConnection } from 'mysql2/promise';

import { freePort } from './ports';
import { ScratchMysql } from './scratch-mysql';

/** Runs `sql` on a connection of its own to `url`, and closes it. */
async function queryAs(url: string, sql: string): Promise<unknown> {
  const connection = await createConnection({ uri: url });
  try {
    return (await connection.query(sql))[0];
  } finally {
    await connection.end();
  }
}

/** Against the real test server (MariaDB on 127.0.0.1:3306 unless RINGCACHE_TEST_MYSQL_ADMIN_URL). */
describe('ScratchMysql', () => {
  it('creates a database and a user of its own that counts its SELECTs, and drops both', async () => {
    const scratch = await ScratchMysql.create();
    try {
      expect(scratch.database).toMatch(/^rc_test_[0-9a-f]{12}$/);
      expect(scratch.user).toBe(scratch.database);
      expect(scratch.url).toMatch(
        new RegExp(`^mysql://${scratch.user}:[0-9a-f]+@${scratch.host}:${scratch.port}/${scratch.database}$`),
      );
      await scratch.exec('CREATE TABLE t (n INT)');
      await scratch.exec('INSERT INTO t VALUES (?), (?)', [1, 2]);

      const before = await scratch.selects();
      expect(await queryAs(scratch.url, 'SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 2 }]);
      expect(await queryAs(scratch.url, 'SELECT DATABASE() AS db')).toEqual([{ db: scratch.database }]);
      // The admin's own statements are not counted.
      expect(await scratch.exec('SELECT n FROM t ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }]);
      expect((await scratch.selects()) - before).toBe(2);
    } finally {
      await scratch.drop();
    }
    const admin = await ScratchMysql.create({ ownUser: false });
    try {
      expect(await admin.exec('SHOW DATABASES LIKE ?', [scratch.database])).toEqual([]);
      expect(await admin.exec('SELECT user FROM mysql.user WHERE user = ?', [scratch.user])).toEqual([]);
    } finally {
      await admin.drop();
    }
  });

  it('with ownUser: false, creates just a database that the admin URL reaches', async () => {
    const scratch = await ScratchMysql.create({ ownUser: false });
    try {
      expect(scratch.user).not.toBe(scratch.database);
      const url = new URL(scratch.url);
      expect([decodeURIComponent(url.username), url.hostname, url.port, url.pathname]).toEqual([
        scratch.user,
        scratch.host,
        String(scratch.port),
        `/${scratch.database}`,
      ]);
      expect(await queryAs(scratch.url, 'SELECT DATABASE() AS db')).toEqual([{ db: scratch.database }]);
      expect(await scratch.exec('SELECT DATABASE() AS db')).toEqual([{ db: scratch.database }]);
      await expect(scratch.selects()).rejects.toThrow(/created with ownUser: false/);
    } finally {
      await scratch.drop();
    }
    await expect(scratch.exec('SELECT 1')).rejects.toThrow('scratch database already dropped');
    await expect(scratch.drop()).resolves.toBeUndefined();
  });

  it('fails saying what to do when the server is not reachable', async () => {
    const port = await freePort(); // nothing listens there
    await expect(ScratchMysql.create({ adminUrl: `mysql://root@127.0.0.1:${port}/test` })).rejects.toThrow(
      new RegExp(
        `^MariaDB/MySQL is not reachable at 127\\.0\\.0\\.1:${port} as root \\(.*ECONNREFUSED.*\\)\\. ` +
          '.*start it .*or point RINGCACHE_TEST_MYSQL_ADMIN_URL at another server\\.$',
      ),
    );
  });
});
