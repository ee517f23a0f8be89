import type { ScratchMysql } from '@ringcache/testing';

import { keyName, valueOf } from './keys';
import { BENCH_TABLE, BENCH_TABLE_DDL } from './sqlite-dataset';

/** Creates the bench table in a scratch database and writes rows `keyName(from)` … `keyName(to - 1)`. */
export async function writeMysqlDataset(db: ScratchMysql, from: number, to: number): Promise<void> {
  await db.exec(BENCH_TABLE_DDL);
  for (let i = from; i < to; i++) {
    await db.exec(
      `INSERT INTO ${BENCH_TABLE.table} (${BENCH_TABLE.keyColumn}, ${BENCH_TABLE.valueColumn}) VALUES (?, ?)`,
      [keyName(i), valueOf(i)],
    );
  }
}
