import Database from 'better-sqlite3';

import { keyName, valueOf } from './keys';

/** Where the bench group reads its values: one row per key (the group's `table`/`keyColumn`/`valueColumn`). */
export const BENCH_TABLE = { table: 'bench_values', keyColumn: 'k', valueColumn: 'v' } as const;

/** The table's DDL, the same on SQLite and MariaDB. */
export const BENCH_TABLE_DDL = `CREATE TABLE ${BENCH_TABLE.table} (${BENCH_TABLE.keyColumn} VARCHAR(64) PRIMARY KEY, ${BENCH_TABLE.valueColumn} BLOB NOT NULL)`;

/** Writes rows `keyName(0)` … `keyName(count - 1)` with their 1 KiB values into a new SQLite file at `path`. */
export function writeSqliteDataset(path: string, count: number): void {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(BENCH_TABLE_DDL);
    const insert = db.prepare(
      `INSERT INTO ${BENCH_TABLE.table} (${BENCH_TABLE.keyColumn}, ${BENCH_TABLE.valueColumn}) VALUES (?, ?)`,
    );
    db.transaction(() => {
      for (let i = 0; i < count; i++) insert.run(keyName(i), valueOf(i));
    })();
  } finally {
    db.close();
  }
}
