import { randomBytes } from 'node:crypto';

import { createConnection, type Connection } from 'mysql2/promise';

/**
 * The test MariaDB/MySQL server, as an admin: 127.0.0.1:3306, root without a password, unless
 * RINGCACHE_TEST_MYSQL_ADMIN_URL says otherwise (see the README).
 */
export const MYSQL_ADMIN_URL =
  process.env['RINGCACHE_TEST_MYSQL_ADMIN_URL'] ?? 'mysql://root@127.0.0.1:3306/test';

/** Start of every scratch database's (and user's) name; the rest is random hex. */
const NAME_PREFIX = 'rc_test_';

/** Options of {@link ScratchMysql.create}. */
export interface ScratchMysqlOptions {
  /**
   * Also create a user of the database's own, and make `url` connect as it. Default true. Because only
   * the code under test connects as that user, the server's per-user statistics count exactly its
   * statements (`selects()`). False: just the database, and `url` connects as the admin.
   */
  ownUser?: boolean;
  /** The server to create it on, as an admin. Default MYSQL_ADMIN_URL. */
  adminUrl?: string;
}

/**
 * A database `rc_test_<random hex>` of one suite's own on the test server (and, by default, a user of its
 * own), dropped afterwards. `create()` throws, saying what to do, when the server is not reachable: MySQL
 * suites must fail then, not skip, or a broken setup would pass unnoticed.
 */
export class ScratchMysql {
  /** Database name, e.g. rc_test_3f9a1c0b22de. */
  readonly database: string;
  /** User `url` connects as: the database's own (same name as the database), or the admin's. */
  readonly user: string;
  /** Host of the server, e.g. to put a proxy in front of it. */
  readonly host: string;
  /** Port of the server. */
  readonly port: number;
  private readonly password: string;
  private readonly adminUser: string;
  private readonly adminPassword: string;
  private admin?: Connection;
  /** The server's userstat setting before `create()` turned it on; undefined while untouched. */
  private userstatWas?: string;

  private constructor(
    server: URL,
    private readonly ownUser: boolean,
  ) {
    this.adminUser = decodeURIComponent(server.username);
    this.adminPassword = decodeURIComponent(server.password);
    this.database = `${NAME_PREFIX}${randomBytes(6).toString('hex')}`;
    this.user = ownUser ? this.database : this.adminUser;
    this.password = ownUser ? randomBytes(12).toString('hex') : this.adminPassword;
    this.host = server.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = Number(server.port || 3306);
  }

  /** Creates the database, and its user unless `ownUser` is false. */
  static async create(options: ScratchMysqlOptions = {}): Promise<ScratchMysql> {
    const scratch = new ScratchMysql(new URL(options.adminUrl ?? MYSQL_ADMIN_URL), options.ownUser ?? true);
    try {
      scratch.admin = await createConnection({
        host: scratch.host,
        port: scratch.port,
        user: scratch.adminUser,
        password: scratch.adminPassword,
        connectTimeout: 5_000,
        multipleStatements: false,
      });
    } catch (error) {
      throw new Error(
        `MariaDB/MySQL is not reachable at ${scratch.host}:${scratch.port} as ${scratch.adminUser} ` +
          `(${(error as Error).message}). The MySQL specs and end-to-end suites need it: start it ` +
          `(start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd; see the README) ` +
          `or point RINGCACHE_TEST_MYSQL_ADMIN_URL at another server.`,
      );
    }
    try {
      await scratch.setUp();
    } catch (error) {
      await scratch.drop().catch(() => undefined); // what was made so far; the setup error is the news
      throw error;
    }
    return scratch;
  }

  /** URL of the scratch database, as its own user (or the admin with `ownUser: false`). */
  get url(): string {
    const credentials = this.user
      ? `${encodeURIComponent(this.user)}${this.password ? `:${encodeURIComponent(this.password)}` : ''}@`
      : '';
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `mysql://${credentials}${host}:${this.port}/${this.database}`;
  }

  /** Runs SQL in the scratch database as the admin (not counted in `selects`), resolving with its result. */
  async exec<T = unknown>(sql: string, params: unknown[] = []): Promise<T> {
    const [result] = await this.connection().query(sql, params);
    return result as T;
  }

  /** SELECT statements the database's own user has run so far (INFORMATION_SCHEMA.USER_STATISTICS). */
  async selects(): Promise<number> {
    if (!this.ownUser)
      throw new Error(
        "selects() counts the database's own user, and this one was created with ownUser: false",
      );
    const [rows] = await this.connection().query(
      'SELECT SELECT_COMMANDS AS n FROM INFORMATION_SCHEMA.USER_STATISTICS WHERE USER = ?',
      [this.user],
    );
    return Number((rows as { n: number }[])[0]?.n ?? 0);
  }

  /** Drops the database (only this one) and its user, and restores the server's userstat setting. */
  async drop(): Promise<void> {
    const admin = this.admin;
    if (!admin) return;
    this.admin = undefined;
    try {
      await admin.query(`DROP DATABASE IF EXISTS \`${this.database}\``);
      if (this.ownUser) {
        for (const host of ['%', 'localhost'])
          await admin.query(`DROP USER IF EXISTS '${this.user}'@'${host}'`);
      }
      if (this.userstatWas !== undefined && (await this.lastScratchUser(admin)))
        await admin.query(`SET GLOBAL userstat = ${this.userstatWas === 'ON' ? 1 : 0}`);
    } finally {
      await admin.end();
    }
  }

  private async setUp(): Promise<void> {
    const admin = this.connection();
    await admin.query(`CREATE DATABASE \`${this.database}\` CHARACTER SET utf8mb4`);
    // The admin connection is this object's alone: `exec` runs in the scratch database from now on.
    await admin.query(`USE \`${this.database}\``);
    if (!this.ownUser) return;
    // '%' for TCP from 127.0.0.1, 'localhost' in case the server resolves the client's name.
    for (const host of ['%', 'localhost']) {
      await admin.query(`CREATE USER '${this.user}'@'${host}' IDENTIFIED BY '${this.password}'`);
      await admin.query(`GRANT ALL ON \`${this.database}\`.* TO '${this.user}'@'${host}'`);
    }
    const [rows] = await admin.query("SHOW GLOBAL VARIABLES LIKE 'userstat'");
    this.userstatWas = (rows as { Value: string }[])[0]?.Value ?? 'OFF';
    await admin.query('SET GLOBAL userstat = 1');
  }

  /**
   * True when no scratch user is left on the server. userstat is global: while another suite's scratch
   * user exists, that suite may be counting, so only the last one out restores the setting.
   */
  private async lastScratchUser(admin: Connection): Promise<boolean> {
    const [rows] = await admin.query('SELECT COUNT(*) AS n FROM mysql.user WHERE user LIKE ?', [
      `${NAME_PREFIX.replace(/_/g, '\\_')}%`,
    ]);
    return Number((rows as { n: number }[])[0]?.n) === 0;
  }

  private connection(): Connection {
    if (!this.admin) throw new Error('scratch database already dropped');
    return this.admin;
  }
}
