import { randomBytes } from 'node:crypto';

import mysql from 'mysql2/promise';

import { messageOf } from '../lib/errors';
import { parseMysqlUrl } from '../lib/mysql-url';

/** Server the MySQL specs use: MariaDB on 127.0.0.1:3306 as root without a password, unless overridden. */
export const TEST_MYSQL_URL =
  process.env['RINGCACHE_TEST_MYSQL_ADMIN_URL'] ?? 'mysql://root@127.0.0.1:3306/test';

/** A database of its own for one spec file, on the test server. */
export interface ScratchDatabase {
  /** `rc_test_<random hex>`. */
  name: string;
  /** URL of the scratch database, for createDataSource. */
  url: string;
  /** Host and port of the server, e.g. to put a proxy in front of it. */
  host: string;
  port: number;
  /** Runs SQL on the scratch database as the admin connection (to check or break things behind a loader). */
  query<T = unknown>(sql: string, values?: unknown[]): Promise<T>;
  /** Drops the database (only this one) and closes the admin connection. */
  drop(): Promise<void>;
}

/**
 * Creates `rc_test_<random>` on the test server. Throws, with what to do, when the server is not
 * reachable: MySQL specs must fail then, not skip, or a broken setup would pass unnoticed.
 */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const server = parseMysqlUrl(TEST_MYSQL_URL);
  let admin: mysql.Connection;
  try {
    admin = await mysql.createConnection({
      host: server.host,
      port: server.port,
      user: server.username,
      password: server.password,
      connectTimeout: 3_000,
    });
  } catch (error) {
    throw new Error(
      `MariaDB/MySQL is not reachable at ${server.host}:${server.port} as ${server.username} ` +
        `(${messageOf(error)}). The MySQL specs of data-source need it: ` +
        `start it (start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd) ` +
        `or point RINGCACHE_TEST_MYSQL_ADMIN_URL at another server.`,
    );
  }
  const name = `rc_test_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.query(`USE \`${name}\``);
  const credentials = server.username
    ? `${encodeURIComponent(server.username)}${server.password ? `:${encodeURIComponent(server.password)}` : ''}@`
    : '';
  return {
    name,
    url: `mysql://${credentials}${server.host}:${server.port}/${name}`,
    host: server.host,
    port: server.port,
    query: async <T>(sql: string, values?: unknown[]) => (await admin.query(sql, values))[0] as T,
    drop: async () => {
      try {
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await admin.end();
      }
    },
  };
}
