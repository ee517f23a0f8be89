import 'reflect-metadata';
import { resolve } from 'node:path';

import { DataSource, type DataSourceOptions as TypeOrmOptions, type EntitySchema } from 'typeorm';

import { InvalidArgumentError } from '@ringcache/cache-core';

import { describeDataSource } from './data-source-label';
import { DatabaseUnavailableError, messageOf } from './errors';
import { mysql2WithErrorListener } from './mysql-driver';
import { parseMysqlUrl } from './mysql-url';
import { sqliteConnection } from './sqlite-connection';
import { Student } from './student.entity';

/** An entity class or schema, as TypeORM takes them. */
export type EntityDefinition = (new (...args: never[]) => object) | EntitySchema;

/** Where `createDataSource` reports what it connected to, and connections it lost. */
export interface DataSourceLogger {
  log(message: string): void;
  warn(message: string): void;
}

/** Options of {@link createDataSource}. Every field has a default: SQLite at `data/ringcache.sqlite`. */
export interface DataSourceOptions {
  /**
   * `mysql://user:password@host:port/database[?charset=…]` (or `mariadb://`). Non-empty: MySQL / MariaDB
   * through mysql2; port default 3306. Empty or absent: embedded SQLite. Default: absent.
   */
  mysqlUrl?: string;
  /** SQLite file, relative to the working directory; its folder is created. `:memory:` allowed. Default `data/ringcache.sqlite`. */
  sqlitePath?: string;
  /** MySQL: longest wait for a new connection, and the default deadline of a loader's query, in ms. Default 2,000. */
  connectTimeoutMs?: number;
  /** MySQL: most connections in the pool. Default 10. */
  poolSize?: number;
  /** Entities, listed explicitly (globs break once bundled). Default `[Student]`. */
  entities?: EntityDefinition[];
  /** Default: silent. */
  logger?: DataSourceLogger;
}

/** Default SQLite file, shared by every process of the local cluster. */
export const DEFAULT_SQLITE_PATH = 'data/ringcache.sqlite';
const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
const DEFAULT_POOL_SIZE = 10;
/**
 * How long a SQLite statement waits for another process's write lock. The nodes of a local cluster share
 * one file and all seed it at startup, so the lock is contended briefly; a write never holds it long.
 */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;
const SILENT: DataSourceLogger = { log: () => undefined, warn: () => undefined };

/**
 * Creates and initializes a TypeORM DataSource: MySQL / MariaDB through mysql2 when `mysqlUrl` is set,
 * otherwise better-sqlite3 in WAL mode (several processes may share the file). Never synchronizes the
 * schema. Throws InvalidArgumentError for bad options and DatabaseUnavailableError, naming the database,
 * when it cannot connect — at startup, not on the first request.
 */
export async function createDataSource(options: DataSourceOptions = {}): Promise<DataSource> {
  const logger = options.logger ?? SILENT;
  const typeOrmOptions = toTypeOrmOptions(options, logger);
  const dataSource = await initialize(typeOrmOptions);
  const label = describeDataSource(dataSource);
  if (typeOrmOptions.type === 'better-sqlite3') checkJournalMode(dataSource, label, logger);
  logger.log(`data source: ${label}`);
  return dataSource;
}

/**
 * A new, initialized DataSource. SQLite: opening the file switches it to WAL, which takes the file's
 * exclusive lock, and SQLite answers SQLITE_BUSY at once (its busy timeout does not apply there) when
 * another process holds it, as when the nodes of a local cluster start together: that is retried, with a
 * fresh connection, for up to the busy timeout.
 */
async function initialize(options: TypeOrmOptions): Promise<DataSource> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const dataSource = new DataSource(options);
    try {
      return await dataSource.initialize();
    } catch (error) {
      const busy = options.type === 'better-sqlite3' && sqliteBusy(error);
      if (busy) sqliteConnection(dataSource)?.close();
      if (!busy || Date.now() - started >= SQLITE_BUSY_TIMEOUT_MS) {
        const label = describeDataSource(dataSource);
        throw new DatabaseUnavailableError(label, `cannot connect: ${messageOf(error)}`, { cause: error });
      }
      await new Promise((wake) => setTimeout(wake, Math.min(10 * attempt, 100)));
    }
  }
}

function sqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Applies defaults and validates, naming the option and the value. */
function toTypeOrmOptions(options: DataSourceOptions, logger: DataSourceLogger): TypeOrmOptions {
  const connectTimeout = positiveInteger(
    options.connectTimeoutMs,
    DEFAULT_CONNECT_TIMEOUT_MS,
    'connectTimeoutMs',
  );
  const poolSize = positiveInteger(options.poolSize, DEFAULT_POOL_SIZE, 'poolSize');
  const entities = options.entities ?? [Student];
  if (!Array.isArray(entities)) throw new InvalidArgumentError('entities must be an array of entity classes');
  const common = { entities, synchronize: false, migrationsRun: false, logging: false } as const;

  const mysqlUrl = options.mysqlUrl?.trim();
  if (mysqlUrl) {
    const target = parseMysqlUrl(mysqlUrl);
    const label = `mysql ${target.host}:${target.port}/${target.database}`;
    return {
      ...common,
      type: 'mysql',
      connectorPackage: 'mysql2',
      driver: mysql2WithErrorListener((error) => logger.warn(`${label}: connection lost: ${error.message}`)),
      ...target,
      connectTimeout,
      poolSize,
    };
  }

  const sqlitePath = options.sqlitePath ?? DEFAULT_SQLITE_PATH;
  if (typeof sqlitePath !== 'string' || sqlitePath === '') {
    throw new InvalidArgumentError(
      `sqlitePath must be a file path or ":memory:"; got ${JSON.stringify(sqlitePath)}`,
    );
  }
  const memory = sqlitePath === ':memory:';
  return {
    ...common,
    type: 'better-sqlite3',
    // Absolute, so messages name the real file; TypeORM creates its folder.
    database: memory ? sqlitePath : resolve(sqlitePath),
    timeout: SQLITE_BUSY_TIMEOUT_MS,
    // WAL lets readers in other processes go on while one writes; a memory database has no journal file.
    enableWAL: !memory,
  };
}

/** WAL silently stays off on some file systems (network mounts): say so, since processes then block each other. */
function checkJournalMode(dataSource: DataSource, label: string, logger: DataSourceLogger): void {
  if (dataSource.options.database === ':memory:') return;
  const mode = sqliteConnection(dataSource)?.pragma('journal_mode', { simple: true });
  if (mode !== 'wal')
    logger.warn(`${label}: journal mode is ${String(mode)}, not wal; processes will block each other`);
}

function positiveInteger(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`${option} must be a positive integer; got ${JSON.stringify(value)}`);
  }
  return value;
}
