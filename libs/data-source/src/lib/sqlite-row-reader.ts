import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';

import { DatabaseQueryError, DatabaseUnavailableError, messageOf } from './errors';
import type { Row, RowReader, RowReaderContext, RowsReader } from './row-reader';
import { sqliteConnection } from './sqlite-connection';

/** SQLite result codes that mean "try again later" rather than "this query is wrong". */
const TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|NOMEM)/;

/**
 * A RowReader over better-sqlite3: the first row of `sql` (see sqliteRowsReader).
 */
export function sqliteRowReader(dataSource: DataSource, sql: string, context: RowReaderContext): RowReader {
  const rows = sqliteRowsReader(dataSource, context);
  return async (parameter) => (await rows(sql, [parameter]))[0];
}

/**
 * A RowsReader over better-sqlite3. Each SQL text is prepared once (on first use, since the table may be
 * created after the loader) and again only if the DataSource was re-initialized with a new connection.
 * better-sqlite3 is synchronous: a unique-index lookup takes microseconds, and in WAL mode readers do not
 * wait for writers in other processes.
 */
export function sqliteRowsReader(dataSource: DataSource, context: RowReaderContext): RowsReader {
  let preparedOn: BetterSqlite3.Database | undefined;
  const statements = new Map<string, BetterSqlite3.Statement>();
  return async (sql, parameters) => {
    const db = sqliteConnection(dataSource);
    if (!db?.open) {
      throw new DatabaseUnavailableError(
        context.database,
        'the data source is not initialized or was destroyed',
      );
    }
    try {
      if (preparedOn !== db) {
        statements.clear();
        preparedOn = db;
      }
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      return statement.all(...parameters) as Row[];
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && TRANSIENT.test(code)) {
        throw new DatabaseUnavailableError(context.database, messageOf(error), { cause: error });
      }
      throw new DatabaseQueryError(context.database, context.operation, messageOf(error), { cause: error });
    }
  };
}
