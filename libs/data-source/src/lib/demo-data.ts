import type { DataSource } from 'typeorm';

import { InvalidArgumentError } from '@ringcache/cache-core';

import { describeDataSource } from './data-source-label';
import { DatabaseQueryError, messageOf } from './errors';
import { sqlIdentifier } from './sql-identifier';
import { sqliteConnection } from './sqlite-connection';

/** The demo table's name, as in the original groupcache demo. */
export const DEMO_TABLE = 'student';

/** The demo rows: the original groupcache demo's `db` map. */
export const DEMO_STUDENTS: ReadonlyArray<Readonly<{ name: string; score: number }>> = Object.freeze([
  Object.freeze({ name: 'Tom', score: 630 }),
  Object.freeze({ name: 'Jack', score: 589 }),
  Object.freeze({ name: 'Sam', score: 567 }),
]);

/** Options of {@link ensureDemoData}. */
export interface DemoDataOptions {
  /** Table to create and seed, e.g. a scratch table in an end-to-end test. Default `student`. */
  table?: string;
}

/**
 * Concurrent inserts of the same unique keys deadlock now and then in InnoDB (about 1 in 12 rounds of 5
 * seeders here); the victim is rolled back and may simply try again, after a random pause so the
 * seeders do not collide the same way twice.
 */
const MYSQL_ATTEMPTS = 5;
const MYSQL_RETRY_PAUSE_MS = 20;
const MYSQL_RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/**
 * Creates the demo table if it is missing and inserts the demo students that are absent, leaving other
 * rows and changed scores alone. Idempotent, and safe when several processes run it at once on one SQLite
 * file or one MySQL database: the table is created with IF NOT EXISTS and rows are inserted in one
 * transaction that skips names already present (the name is unique).
 */
export async function ensureDemoData(dataSource: DataSource, options: DemoDataOptions = {}): Promise<void> {
  const table = sqlIdentifier(options.table ?? DEMO_TABLE, 'table');
  const quoted = dataSource.driver.escape(table);
  const values = DEMO_STUDENTS.map(() => '(?, ?)').join(', ');
  const parameters = DEMO_STUDENTS.flatMap((student) => [student.name, student.score]);
  try {
    switch (dataSource.options.type) {
      case 'mysql':
      case 'mariadb':
        return await seedMysql(dataSource, quoted, values, parameters);
      case 'better-sqlite3':
        return seedSqlite(dataSource, quoted, values, parameters);
      default:
        throw new InvalidArgumentError(
          `ensureDemoData supports mysql and better-sqlite3; got ${dataSource.options.type}`,
        );
    }
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw error;
    throw new DatabaseQueryError(describeDataSource(dataSource), `seeding ${table}`, messageOf(error), {
      cause: error,
    });
  }
}

async function seedMysql(dataSource: DataSource, table: string, values: string, parameters: unknown[]) {
  // DDL commits implicitly in MySQL, so the table is created before, not inside, the transaction.
  // utf8mb4_bin: names compare exactly, as cache keys do (and as in SQLite).
  await dataSource.query(
    `CREATE TABLE IF NOT EXISTS ${table} (
      id INT NOT NULL AUTO_INCREMENT,
      name VARCHAR(64) NOT NULL,
      score INT NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_name (name)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  );
  // `id = id` changes nothing: a name already present keeps its row and score.
  const insert = `INSERT INTO ${table} (name, score) VALUES ${values} ON DUPLICATE KEY UPDATE id = id`;
  for (let attempt = 1; ; attempt++) {
    try {
      await dataSource.transaction((manager) => manager.query(insert, parameters));
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= MYSQL_ATTEMPTS || typeof code !== 'string' || !MYSQL_RETRYABLE.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * MYSQL_RETRY_PAUSE_MS * attempt));
    }
  }
}

/**
 * Synchronous on purpose: better-sqlite3 blocks the thread while it waits for a lock, so if two
 * DataSources in one process interleaved async transactions, the one waiting would block the one holding
 * the lock until the busy timeout. `immediate` takes the write lock at BEGIN (waiting for other processes
 * up to the busy timeout) instead of failing at once when a read lock cannot be upgraded.
 */
function seedSqlite(dataSource: DataSource, table: string, values: string, parameters: unknown[]): void {
  const db = sqliteConnection(dataSource);
  if (!db?.open) throw new Error('the data source is not initialized or was destroyed');
  db.transaction(() => {
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name VARCHAR(64) NOT NULL UNIQUE,
        score INTEGER NOT NULL
      )`,
    );
    db.prepare(`INSERT INTO ${table} (name, score) VALUES ${values} ON CONFLICT (name) DO NOTHING`).run(
      parameters,
    );
  }).immediate();
}
