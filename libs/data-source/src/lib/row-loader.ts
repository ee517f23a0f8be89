import type { DataSource } from 'typeorm';

import { found, InvalidArgumentError, type Loader, type LoadResult, notFound } from '@ringcache/cache-core';

import { describeDataSource } from './data-source-label';
import { mysqlRowsReader } from './mysql-row-reader';
import type { Row, RowsReader } from './row-reader';
import { sqlIdentifier } from './sql-identifier';
import { sqliteRowsReader } from './sqlite-row-reader';

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

/** A Loader reading rows by key, with the SQL it runs and a startup check. */
export interface RowLoader extends Loader {
  /** The parameterised query of one key, for logs and tests. */
  readonly sql: string;
  /** The parameterised query of `n` keys (`WHERE key IN (?, …)`), as loadMany runs it for n keys. */
  sqlOf(n: number): string;
  /** Runs the query once; rejects if the table or a column is missing, so that fails at startup. */
  verify(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * Builds a cache-core Loader that looks rows up by `keyColumn` with prepared, parameterised queries —
 * keys are only ever bound parameters; table and column names are validated identifiers — and returns
 * `found(bytes)` or `notFound`, for one key (`load`) or many in one query (`loadMany`). A database error
 * rejects (DatabaseUnavailableError or DatabaseQueryError), never resolves notFound, so the cache never
 * remembers a failure as an absence.
 */
export function rowLoader(options: RowLoaderOptions): RowLoader {
  const { dataSource } = options;
  const table = sqlIdentifier(options.table, 'table');
  const keyColumn = sqlIdentifier(options.keyColumn, 'keyColumn');
  const { columns, encode } = valueReading(options);
  const exactMatch = options.exactMatch ?? true;
  const quote = (name: string) => dataSource.driver.escape(name);
  const selected = [keyColumn, ...columns.filter((column) => column !== keyColumn)];
  const select = `SELECT ${selected.map(quote).join(', ')} FROM ${quote(table)} WHERE ${quote(keyColumn)}`;
  const sql = `${select} = ? LIMIT 1`;
  const inLists = new Map<number, string>();
  const sqlOf = (n: number) => {
    const size = inListSize(n);
    let text = inLists.get(size);
    if (text === undefined)
      inLists.set(size, (text = `${select} IN (${new Array(size).fill('?').join(', ')})`));
    return text;
  };
  const read = rowsReader(dataSource, options.timeoutMs, `reading ${table} by ${keyColumn}`);

  const resultOf = (row: Row | undefined): LoadResult => {
    if (row === undefined) return notFound;
    const value = encode(row);
    return value === undefined ? notFound : found(value);
  };
  const load = async (key: string): Promise<LoadResult> => {
    const [row] = await read(sql, [key]);
    return resultOf(row === undefined || (exactMatch && String(row[keyColumn]) !== key) ? undefined : row);
  };
  /**
   * One query for many keys. The IN list is padded (with the last key again) to a power of two, so a
   * database prepares at most 11 statements for every batch size up to 1,000. Rows are matched to keys
   * exactly; without exactMatch a row may answer a differently spelled key, so there is no loadMany.
   */
  const loadMany = async (keys: string[]): Promise<LoadResult[]> => {
    const parameters = [...keys];
    while (parameters.length < inListSize(keys.length)) parameters.push(keys[keys.length - 1]);
    const rows = await read(sqlOf(keys.length), parameters);
    const byKey = new Map(rows.map((row) => [String(row[keyColumn]), row]));
    return keys.map((key) => resultOf(byKey.get(key)));
  };
  return {
    sql,
    sqlOf,
    load,
    ...(exactMatch ? { loadMany } : {}),
    verify: async () => {
      await read(sql, ['']);
    },
  };
}

/** The IN-list length used for `n` keys: the next power of two. */
function inListSize(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
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

function rowsReader(dataSource: DataSource, timeoutMs: number | undefined, operation: string): RowsReader {
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
      return mysqlRowsReader(dataSource, deadline, context);
    }
    case 'better-sqlite3':
      return sqliteRowsReader(dataSource, context);
    default:
      throw new InvalidArgumentError(
        `rowLoader supports mysql, mariadb and better-sqlite3 data sources; got ${dataSource.options.type}`,
      );
  }
}
