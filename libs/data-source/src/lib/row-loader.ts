import type { DataSource } from 'typeorm';

import { found, InvalidArgumentError, type Loader, type LoadResult, notFound } from '@ringcache/cache-core';

import { describeDataSource } from './data-source-label';
import { mysqlRowReader } from './mysql-row-reader';
import type { Row, RowReader } from './row-reader';
import { sqlIdentifier } from './sql-identifier';
import { sqliteRowReader } from './sqlite-row-reader';

/** Turns a row into the cached bytes; undefined means "not found" (a soft-deleted row, say). */
export type RowEncoder = (row: Row) => Uint8Array | string | undefined;

/** Options of {@link rowLoader}: give either `valueColumn`, or `columns` and `encode`. */
export interface RowLoaderOptions {
  /** An initialized MySQL / MariaDB or better-sqlite3 DataSource (as from createDataSource). */
  dataSource: DataSource;
  /** Table to read; `A-Za-z0-9_`, at most 64 characters, like every identifier here. */
  table: string;
  /** Column compared with the cache key; it should be unique (primary key or unique index). */
  keyColumn: string;
  /** Column whose value is cached, encoded by {@link encodeColumnValue}. */
  valueColumn?: string;
  /** Columns to read for `encode` (the key column is always read). */
  columns?: string[];
  /** Builds the cached bytes from a row of `columns`. */
  encode?: RowEncoder;
  /**
   * Require the row's key to equal the cache key exactly (compared as strings). Cache keys are exact, but a
   * case-insensitive or PAD SPACE collation would answer `tom` or `Tom ` with Tom's row, and each spelling
   * would then be cached separately. Default true.
   */
  exactMatch?: boolean;
  /** MySQL: deadline of one load (getting a connection and the query), in ms. Default: the DataSource's connectTimeout, else 2,000. */
  timeoutMs?: number;
}

/** A Loader reading one row by key, with the SQL it runs and a startup check. */
export interface RowLoader extends Loader {
  /** The parameterised query, for logs and tests. */
  readonly sql: string;
  /** Runs the query once; rejects if the table or a column is missing, so that fails at startup. */
  verify(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * Builds a cache-core Loader that looks a row up by `keyColumn` with a prepared, parameterised query —
 * the key is only ever a bound parameter; table and column names are validated identifiers — and returns
 * `found(bytes)` or `notFound`. A database error rejects (DatabaseUnavailableError or DatabaseQueryError),
 * never resolves notFound, so the cache never remembers a failure as an absence.
 */
export function rowLoader(options: RowLoaderOptions): RowLoader {
  const { dataSource } = options;
  const table = sqlIdentifier(options.table, 'table');
  const keyColumn = sqlIdentifier(options.keyColumn, 'keyColumn');
  const { columns, encode } = valueReading(options);
  const exactMatch = options.exactMatch ?? true;
  const quote = (name: string) => dataSource.driver.escape(name);
  const selected = [keyColumn, ...columns.filter((column) => column !== keyColumn)];
  const sql = `SELECT ${selected.map(quote).join(', ')} FROM ${quote(table)} WHERE ${quote(keyColumn)} = ? LIMIT 1`;
  const read = rowReader(dataSource, sql, options.timeoutMs, `reading ${table} by ${keyColumn}`);

  const load = async (key: string): Promise<LoadResult> => {
    const row = await read(key);
    if (row === undefined || (exactMatch && String(row[keyColumn]) !== key)) return notFound;
    const value = encode(row);
    return value === undefined ? notFound : found(value);
  };
  return {
    sql,
    load,
    verify: async () => {
      await read('');
    },
  };
}

/**
 * The default encoding of a column value: bytes as they are, text as UTF-8, numbers and booleans as their
 * decimal text (`630` → "630"), dates as ISO 8601, JSON columns as JSON. SQL NULL → undefined (not found).
 */
export function encodeColumnValue(value: unknown): Uint8Array | string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Uint8Array || typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

/** Which columns to read and how to encode them, from valueColumn or columns + encode. */
function valueReading(options: RowLoaderOptions): { columns: string[]; encode: RowEncoder } {
  if (options.valueColumn !== undefined) {
    if (options.encode !== undefined || options.columns !== undefined) {
      throw new InvalidArgumentError('give either valueColumn, or columns and encode, not both');
    }
    const valueColumn = sqlIdentifier(options.valueColumn, 'valueColumn');
    return { columns: [valueColumn], encode: (row) => encodeColumnValue(row[valueColumn]) };
  }
  if (
    typeof options.encode !== 'function' ||
    !Array.isArray(options.columns) ||
    options.columns.length === 0
  ) {
    throw new InvalidArgumentError('give valueColumn, or a non-empty columns list and an encode function');
  }
  return {
    columns: options.columns.map((column) => sqlIdentifier(column, 'columns[]')),
    encode: options.encode,
  };
}

function rowReader(
  dataSource: DataSource,
  sql: string,
  timeoutMs: number | undefined,
  operation: string,
): RowReader {
  const context = { database: describeDataSource(dataSource), operation };
  switch (dataSource.options.type) {
    case 'mysql':
    case 'mariadb': {
      const deadline = timeoutMs ?? dataSource.options.connectTimeout ?? DEFAULT_TIMEOUT_MS;
      if (!Number.isSafeInteger(deadline) || deadline <= 0) {
        throw new InvalidArgumentError(
          `timeoutMs must be a positive integer; got ${JSON.stringify(deadline)}`,
        );
      }
      return mysqlRowReader(dataSource, sql, deadline, context);
    }
    case 'better-sqlite3':
      return sqliteRowReader(dataSource, sql, context);
    default:
      throw new InvalidArgumentError(
        `rowLoader supports mysql, mariadb and better-sqlite3 data sources; got ${dataSource.options.type}`,
      );
  }
}
