import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';

/**
 * The better-sqlite3 database under a TypeORM DataSource (its driver's public `databaseConnection`), or
 * undefined before initialize. Used where TypeORM's async wrapper would get in the way: prepared
 * statements kept across loads, and transactions that must not interleave (see demo-data.ts).
 */
export function sqliteConnection(dataSource: DataSource): BetterSqlite3.Database | undefined {
  return (dataSource.driver as unknown as { databaseConnection?: BetterSqlite3.Database }).databaseConnection;
}
