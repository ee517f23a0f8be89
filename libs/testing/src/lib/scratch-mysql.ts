import { randomBytes } from 'node:crypto';

import { createConnection, type Connection } from 'mysql2/promise';

/** Where the test MariaDB/MySQL listens: 127.0.0.1:3306, root without a password (see the README). */
export const MYSQL_ADMIN_URL =
  process.env['RINGCACHE_TEST_MYSQL_ADMIN_URL'] ?? 'mysql://root@127.0.0.1:3306/test';

/**
 * A database and a user of its own for one test suite, dropped afterwards. Because the cluster under test
 * connects as this user and nobody else does, the server's per-user statistics count exactly the
 * statements the cluster ran: `selects()` is the number of SELECT statements so far.
 */
export class ScratchMysql {
  /** Database name, e.g. rc_e2e_3f9a1c. */
  readonly database: string;
  /** User the cluster connects as. */
  readonly user: string;
  private readonly password = randomBytes(12).toString('hex');
  private admin?: Connection;
  private userstatWas = 'OFF';

  private constructor() {
    const id = randomBytes(4).toString('hex');
    this.database = `rc_e2e_${id}`;
    this.user = `rc_e2e_${id}`;
  }

  /** Creates the database and user; fails with a clear message when MySQL is not reachable. */
  static async create(): Promise<ScratchMysql> {
    const scratch = new ScratchMysql();
    try {
      scratch.admin = await createConnection({
        uri: MYSQL_ADMIN_URL,
        connectTimeout: 5_000,
        multipleStatements: false,
      });
    } catch (error) {
      throw new Error(
        `cannot reach MySQL at ${MYSQL_ADMIN_URL} (${(error as Error).message}): start MariaDB — see README, "Tests"`,
      );
    }
    const admin = scratch.admin;
    await admin.query(`CREATE DATABASE \`${scratch.database}\``);
    await admin.query(`CREATE USER '${scratch.user}'@'%' IDENTIFIED BY '${scratch.password}'`);
    await admin.query(`CREATE USER '${scratch.user}'@'localhost' IDENTIFIED BY '${scratch.password}'`);
    for (const host of ['%', 'localhost']) {
      await admin.query(`GRANT ALL ON \`${scratch.database}\`.* TO '${scratch.user}'@'${host}'`);
    }
    const [rows] = await admin.query("SHOW GLOBAL VARIABLES LIKE 'userstat'");
    scratch.userstatWas = (rows as { Value: string }[])[0]?.Value ?? 'OFF';
    await admin.query('SET GLOBAL userstat = 1');
    return scratch;
  }

  /** URL for the cluster: this user, this database. */
  get url(): string {
    return `mysql://${this.user}:${this.password}@127.0.0.1:3306/${this.database}`;
  }

  /** Runs SQL in the scratch database as the admin (not counted in `selects`). */
  async exec(sql: string, params: unknown[] = []): Promise<unknown> {
    await this.connection().query(`USE \`${this.database}\``);
    const [result] = await this.connection().query(sql, params);
    return result;
  }

  /** SELECT statements the scratch user has run so far. */
  async selects(): Promise<number> {
    const [rows] = await this.connection().query(
      'SELECT SELECT_COMMANDS AS n FROM INFORMATION_SCHEMA.USER_STATISTICS WHERE USER = ?',
      [this.user],
    );
    return Number((rows as { n: number }[])[0]?.n ?? 0);
  }

  /** Drops the database and the user, and restores the server's userstat setting. */
  async drop(): Promise<void> {
    const admin = this.admin;
    if (!admin) return;
    this.admin = undefined;
    try {
      await admin.query(`DROP DATABASE IF EXISTS \`${this.database}\``);
      for (const host of ['%', 'localhost'])
        await admin.query(`DROP USER IF EXISTS '${this.user}'@'${host}'`);
      await admin.query(`SET GLOBAL userstat = ${this.userstatWas === 'ON' ? 1 : 0}`);
    } finally {
      await admin.end();
    }
  }

  private connection(): Connection {
    if (!this.admin) throw new Error('scratch database already dropped');
    return this.admin;
  }
}
