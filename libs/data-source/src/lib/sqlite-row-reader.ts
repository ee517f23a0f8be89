import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';

import { DatabaseQueryError, DatabaseUnavailableError, messageOf } from './errors';
import type { Row, RowReader, RowReaderContext } from './row-reader';
import { sqliteConnection } from './sqlite-connection';

/** SQLite result codes that mean "try again later" rather than "this query is wrong". */
const TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|NOMEM)/;

/**
 * A RowReader over better-sqlite3. The statement is prepared once (on first use, since the table may be
 * created after the loader) and again only if the DataSource was re-initialized with a new connection.
 * better-sqlite3 is synchronous: a unique-index lookup takes microseconds, and in WAL mode readers do not
 * wait for writers in other processes.
 */
export function sqliteRowReader(dataSource: DataSource, sql: string, context: RowReaderContext): RowReader {
  let preparedOn: BetterSqlite3.Database | undefined;
  let statement: BetterSqlite3.Statement | undefined;
  return async (parameter) => {
    const db = sqliteConnection(dataSource);
    if (!db?.open) {
      throw new DatabaseUnavailableError(
        context.database,
        'the data source is not initialized or was destroyed',
      );
    }
    try {
      if (statement === undefined || preparedOn !== db) {
        statement = db.prepare(sql);
        preparedOn = db;
      }
      return statement.get(parameter) as Row | undefined;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && TRANSIENT.test(code)) {
        throw new DatabaseUnavailableError(context.database, messageOf(error), { cause: error });
      }
      throw new DatabaseQueryError(context.database, context.operation, messageOf(error), { cause: error });
    }
  };
}
