import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

import type { DataSource } from 'typeorm';

import { InvalidArgumentError } from '@ringcache/cache-core';
import { freePort, ScratchMysql, tempDir } from '@ringcache/testing';

import { createDataSource } from './create-data-source';
import { DatabaseUnavailableError } from './errors';
import { Student } from './student.entity';

const opened: DataSource[] = [];
async function open(...args: Parameters<typeof createDataSource>): Promise<DataSource> {
  const dataSource = await createDataSource(...args);
  opened.push(dataSource);
  return dataSource;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.destroy()));
});

describe('createDataSource with SQLite', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('opens a file in WAL mode with a busy timeout, creating its folder', async () => {
    const sqlitePath = join(dir.path, 'nested', 'deeper', 'ringcache.sqlite');
    const logged: string[] = [];
    const dataSource = await open({
      sqlitePath,
      logger: { log: (m) => logged.push(m), warn: (m) => logged.push(m) },
    });
    expect(dataSource.isInitialized).toBe(true);
    expect(dataSource.options).toMatchObject({
      type: 'better-sqlite3',
      database: sqlitePath,
      synchronize: false,
    });
    expect(existsSync(sqlitePath)).toBe(true);
    expect(await dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await dataSource.query('PRAGMA busy_timeout')).toEqual([{ timeout: 5000 }]);
    expect(logged).toEqual([`data source: sqlite ${sqlitePath}`]);
  });

  it('resolves a relative path against the working directory', async () => {
    const cwd = process.cwd();
    process.chdir(dir.path);
    try {
      const dataSource = await open({ sqlitePath: 'relative/db.sqlite' });
      expect(dataSource.options.database).toBe(join(dir.path, 'relative', 'db.sqlite'));
    } finally {
      process.chdir(cwd);
    }
  });

  it('opens :memory: and lists the Student entity by default', async () => {
    const dataSource = await open({ sqlitePath: ':memory:' });
    expect(dataSource.options.database).toBe(':memory:');
    expect(dataSource.entityMetadatas.map((m) => m.tableName)).toEqual(['student']);
    expect(dataSource.getMetadata(Student).columns.map((c) => c.databaseName)).toEqual([
      'id',
      'name',
      'score',
    ]);
  });

  it('takes entities explicitly', async () => {
    const dataSource = await open({ sqlitePath: ':memory:', entities: [] });
    expect(dataSource.entityMetadatas).toEqual([]);
  });

  it('uses SQLite when mysqlUrl is empty', async () => {
    const dataSource = await open({ mysqlUrl: '  ', sqlitePath: ':memory:' });
    expect(dataSource.options.type).toBe('better-sqlite3');
  });

  it('fails fast naming the file when it cannot be opened', async () => {
    const blocker = join(dir.path, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const sqlitePath = join(blocker, 'db.sqlite');
    await expect(createDataSource({ sqlitePath })).rejects.toThrow(DatabaseUnavailableError);
    await expect(createDataSource({ sqlitePath })).rejects.toThrow(
      `sqlite ${sqlitePath} is unavailable: cannot connect`,
    );
  });

  it('fails fast naming the file when it is not a database', async () => {
    const sqlitePath = join(dir.path, 'garbage.sqlite');
    writeFileSync(sqlitePath, 'x'.repeat(4096));
    await expect(createDataSource({ sqlitePath })).rejects.toThrow(
      `sqlite ${sqlitePath} is unavailable: cannot connect: file is not a database`,
    );
  });
});

describe('createDataSource options', () => {
  it.each([
    [{ connectTimeoutMs: 0 }, 'connectTimeoutMs must be a positive integer; got 0'],
    [{ connectTimeoutMs: 1.5 }, 'connectTimeoutMs must be a positive integer; got 1.5'],
    [{ poolSize: -1 }, 'poolSize must be a positive integer; got -1'],
    [{ sqlitePath: '' }, 'sqlitePath must be a file path or ":memory:"; got ""'],
    [{ mysqlUrl: 'http://localhost/test' }, 'mysqlUrl must start with mysql:// or mariadb://'],
  ])('rejects %j before connecting', async (options, message) => {
    await expect(createDataSource(options)).rejects.toThrow(InvalidArgumentError);
    await expect(createDataSource(options)).rejects.toThrow(message);
  });
});

describe('createDataSource with MySQL', () => {
  let scratch: ScratchMysql;
  beforeAll(async () => {
    scratch = await ScratchMysql.create({ ownUser: false });
  });
  afterAll(() => scratch?.drop());

  it('connects through mysql2 with the pool size and connect timeout', async () => {
    const dataSource = await open({
      mysqlUrl: `${scratch.url}?charset=utf8mb4`,
      poolSize: 3,
      connectTimeoutMs: 1500,
    });
    expect(dataSource.options).toMatchObject({
      type: 'mysql',
      connectorPackage: 'mysql2',
      host: scratch.host,
      port: scratch.port,
      database: scratch.database,
      charset: 'utf8mb4',
      poolSize: 3,
      connectTimeout: 1500,
      synchronize: false,
    });
    expect(await dataSource.query('SELECT DATABASE() AS db')).toEqual([{ db: scratch.database }]);
    const pool = (dataSource.driver as unknown as { pool: { config: { connectionLimit: number } } }).pool;
    expect(pool.config.connectionLimit).toBe(3);
  });

  it('fails fast naming host:port/db when nothing listens there', async () => {
    const port = await freePort(); // nobody listens there
    const started = Date.now();
    const attempt = createDataSource({
      mysqlUrl: `mysql://root@127.0.0.1:${port}/shop`,
      connectTimeoutMs: 5000,
    });
    await expect(attempt).rejects.toThrow(DatabaseUnavailableError);
    await expect(attempt).rejects.toThrow(`mysql 127.0.0.1:${port}/shop is unavailable: cannot connect: `);
    await expect(attempt).rejects.toThrow(/ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('gives up after connectTimeoutMs when the server accepts but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      const attempt = createDataSource({
        mysqlUrl: `mysql://root@127.0.0.1:${port}/shop`,
        connectTimeoutMs: 400,
      });
      await expect(attempt).rejects.toThrow(
        `mysql 127.0.0.1:${port}/shop is unavailable: cannot connect: connect ETIMEDOUT`,
      );
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(350);
      expect(elapsed).toBeLessThan(1400);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('names the database when it does not exist, without the password', async () => {
    const url = scratch.url.replace(`/${scratch.database}`, `/${scratch.database}_missing`);
    const attempt = createDataSource({ mysqlUrl: url });
    await expect(attempt).rejects.toThrow(
      `mysql ${scratch.host}:${scratch.port}/${scratch.database}_missing is unavailable: cannot connect: Unknown database`,
    );
  });

  it('does not reveal the password when the login is refused', async () => {
    const url = `mysql://rc_nobody:s3cret-pw@${scratch.host}:${scratch.port}/${scratch.database}`;
    const error = await createDataSource({ mysqlUrl: url }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toContain(`mysql ${scratch.host}:${scratch.port}/${scratch.database}`);
    expect((error as Error).message).not.toContain('s3cret-pw');
  });
});
