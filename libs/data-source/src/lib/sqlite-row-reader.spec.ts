import { DataSource } from 'typeorm';

import { testBackend } from '../testing/test-backends';
import { ensureDemoData } from './demo-data';
import { DatabaseQueryError, DatabaseUnavailableError } from './errors';
import { sqliteConnection } from './sqlite-connection';
import { sqliteRowReader } from './sqlite-row-reader';

const SQL = 'SELECT name, score FROM student WHERE name = ? LIMIT 1';
const context = { database: 'sqlite test.db', operation: 'reading student by name' };

describe('sqliteRowReader', () => {
  const backend = testBackend('sqlite');
  let dataSource: DataSource;
  beforeAll(async () => {
    await backend.setUp();
    dataSource = await backend.open();
    await ensureDemoData(dataSource);
  });
  afterAll(() => backend.tearDown());

  it('prepares its statement once and reuses it', async () => {
    const db = sqliteConnection(dataSource);
    const prepare = jest.spyOn(db as NonNullable<typeof db>, 'prepare');
    const read = sqliteRowReader(dataSource, SQL, context);
    expect(await read('Tom')).toEqual({ name: 'Tom', score: 630 });
    expect(await read('Jack')).toEqual({ name: 'Jack', score: 589 });
    expect(await read('Nobody')).toBeUndefined();
    expect(prepare).toHaveBeenCalledTimes(1);
    prepare.mockRestore();
  });

  it('prepares again on the new connection after the DataSource is re-initialized', async () => {
    const reopened = await backend.open();
    const read = sqliteRowReader(reopened, SQL, context);
    expect(await read('Tom')).toEqual({ name: 'Tom', score: 630 });
    await reopened.destroy();
    await expect(read('Tom')).rejects.toThrow(
      new DatabaseUnavailableError(context.database, 'the data source is not initialized or was destroyed'),
    );
    await reopened.initialize();
    expect(await read('Tom')).toEqual({ name: 'Tom', score: 630 });
  });

  it('rejects before the DataSource is initialized', async () => {
    const never = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    await expect(sqliteRowReader(never, SQL, context)('Tom')).rejects.toThrow(DatabaseUnavailableError);
  });

  it('reports a bad query as DatabaseQueryError with the cause', async () => {
    const error = await sqliteRowReader(
      dataSource,
      'SELECT nope FROM student WHERE name = ?',
      context,
    )('Tom').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseQueryError);
    expect((error as Error).message).toBe(
      'reading student by name in sqlite test.db failed: no such column: nope',
    );
    expect((error as Error).cause).toMatchObject({ code: 'SQLITE_ERROR' });
  });
});
