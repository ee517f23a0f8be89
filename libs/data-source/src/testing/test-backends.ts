import { join } from 'node:path';

import type { DataSource } from 'typeorm';

import { ScratchMysql, tempDir, type TempDir } from '@ringcache/testing';

import { createDataSource, type DataSourceOptions } from '../lib/create-data-source';

/** The two kinds of database the lib supports, for `describe.each`. */
export const BACKENDS = ['sqlite', 'mysql'] as const;
/** `sqlite` or `mysql`. */
export type BackendKind = (typeof BACKENDS)[number];

/**
 * A real database for one spec file: a SQLite file in a temp dir, or a scratch MySQL database. Call
 * `setUp` in beforeAll (it throws when MySQL is unreachable, failing the suite) and `tearDown` in
 * afterAll: it destroys every DataSource `open` made and removes the file or drops the database.
 */
export function testBackend(kind: BackendKind) {
  const opened: DataSource[] = [];
  let dir: TempDir | undefined;
  let scratch: ScratchMysql | undefined;
  let admin: DataSource | undefined;
  return {
    kind,
    async setUp(): Promise<void> {
      if (kind === 'sqlite') dir = tempDir();
      else scratch = await ScratchMysql.create({ ownUser: false });
    },
    /** Options pointing at this backend's database. */
    options(): DataSourceOptions {
      if (kind === 'sqlite') return { sqlitePath: join(must(dir, 'setUp').path, 'ringcache.sqlite') };
      return { mysqlUrl: must(scratch, 'setUp').url };
    },
    /** A new, initialized DataSource on this backend's database, destroyed by tearDown. */
    async open(extra: DataSourceOptions = {}): Promise<DataSource> {
      const dataSource = await createDataSource({ ...this.options(), ...extra });
      opened.push(dataSource);
      return dataSource;
    },
    /** Runs SQL on the database from a connection of its own (never a loader's). */
    async query<T = unknown>(sql: string, values: unknown[] = []): Promise<T> {
      if (scratch) return scratch.exec<T>(sql, values);
      admin ??= await this.open();
      return (await admin.query(sql, values)) as T;
    },
    async tearDown(): Promise<void> {
      try {
        await Promise.all(opened.splice(0).map((d) => (d.isInitialized ? d.destroy() : undefined)));
      } finally {
        dir?.remove();
        await scratch?.drop();
      }
    },
  };
}

function must<T>(value: T | undefined, step: string): T {
  if (value === undefined) throw new Error(`call ${step}() first`);
  return value;
}
