/** A row as the driver returns it: column name → value. */
export type Row = Readonly<Record<string, unknown>>;

/**
 * Runs one prepared single-row query with one parameter and returns the first row, or undefined when
 * there is none. Rejects with DatabaseUnavailableError or DatabaseQueryError.
 */
export type RowReader = (parameter: string) => Promise<Row | undefined>;

/**
 * Runs a prepared query with its parameters and returns every row. Statements are prepared once per
 * distinct SQL text (and connection), so callers keep the number of texts small. Rejects as RowReader.
 */
export type RowsReader = (sql: string, parameters: string[]) => Promise<Row[]>;

/** Names a reader's database and what it reads, for its errors. */
export interface RowReaderContext {
  /** As from describeDataSource: `mysql host:port/db` or `sqlite <path>`. */
  database: string;
  /** E.g. `reading student by name`. */
  operation: string;
}
