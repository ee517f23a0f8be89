import type { Pool, PoolConnection, RowDataPacket } from 'mysql2';
import type { DataSource } from 'typeorm';

import { DatabaseQueryError, DatabaseUnavailableError, messageOf } from './errors';
import type { Row, RowReader, RowReaderContext, RowsReader } from './row-reader';

/** A RowReader over the DataSource's mysql2 pool: the first row of `sql` (see mysqlRowsReader). */
export function mysqlRowReader(
  dataSource: DataSource,
  sql: string,
  timeoutMs: number,
  context: RowReaderContext,
): RowReader {
  const rows = mysqlRowsReader(dataSource, timeoutMs, context);
  return async (parameter) => (await rows(sql, [parameter]))[0];
}

/**
 * A RowsReader over the DataSource's mysql2 pool, as server-side prepared statements (mysql2 keeps them
 * per connection, so each SQL text is prepared once per connection and then only executed).
 *
 * Each read has a deadline covering the wait for a connection and the query. mysql2's own query timeout
 * would leave a connection stuck mid-query holding its pool slot; here a connection that misses the
 * deadline is destroyed, so the pool opens a fresh one once the database answers again.
 */
export function mysqlRowsReader(
  dataSource: DataSource,
  timeoutMs: number,
  context: RowReaderContext,
): RowsReader {
  const unavailable = (detail: string, cause?: unknown) =>
    new DatabaseUnavailableError(context.database, detail, { cause });
  return (sql, parameters) =>
    new Promise<Row[]>((resolve, reject) => {
      const pool = (dataSource.driver as unknown as { pool?: Pool }).pool;
      if (!pool) return reject(unavailable('the data source is not initialized or was destroyed'));
      // Set once the promise is settled; guards against a late callback after the deadline.
      let settled = false;
      let connection: PoolConnection | undefined;
      const timer = setTimeout(() => {
        settled = true;
        connection?.destroy();
        reject(unavailable(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      pool.getConnection((connectError, acquired) => {
        if (settled) {
          // The deadline passed while waiting: hand the connection straight back.
          if (!connectError) acquired.release();
          return;
        }
        if (connectError) {
          settled = true;
          clearTimeout(timer);
          return reject(unavailable(messageOf(connectError), connectError));
        }
        connection = acquired;
        acquired.execute<RowDataPacket[]>(sql, parameters, (queryError, rows) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (!queryError) {
            acquired.release();
            return resolve(rows);
          }
          if ((queryError as { fatal?: boolean }).fatal) {
            // The connection is lost. Not released: right after this callback mysql2 emits 'error' on it,
            // which drops it from the pool (and reaches the data source's logger).
            return reject(unavailable(queryError.message, queryError));
          }
          acquired.release();
          reject(
            new DatabaseQueryError(context.database, context.operation, queryError.message, {
              cause: queryError,
            }),
          );
        });
      });
    });
}
