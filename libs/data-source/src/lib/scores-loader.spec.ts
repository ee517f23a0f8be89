import type { DataSource } from 'typeorm';

import { Group, InvalidArgumentError, LoadError, notFound } from '@ringcache/cache-core';

import { BACKENDS, testBackend } from '../testing/test-backends';
import { ensureDemoData } from './demo-data';
import { DatabaseQueryError, DatabaseUnavailableError } from './errors';
import { scoresLoader } from './scores-loader';

const text = (value: Uint8Array) => Buffer.from(value).toString('utf8');

describe.each(BACKENDS)('scoresLoader on %s', (kind) => {
  const backend = testBackend(kind);
  let dataSource: DataSource;
  beforeAll(async () => {
    await backend.setUp();
    dataSource = await backend.open();
    await ensureDemoData(dataSource);
  });
  afterAll(() => backend.tearDown());

  it("answers a student's score as decimal text", async () => {
    const loader = scoresLoader(dataSource);
    for (const [name, score] of [
      ['Tom', '630'],
      ['Jack', '589'],
      ['Sam', '567'],
    ]) {
      const result = await loader.load(name);
      expect(result.found && text(result.value)).toBe(score);
    }
  });

  it('answers not found (not an empty value) for an unknown name', async () => {
    const loader = scoresLoader(dataSource);
    expect(await loader.load('Nobody')).toBe(notFound);
    expect(await loader.load('')).toBe(notFound);
    expect(await loader.load('tom')).toBe(notFound);
  });

  it('treats an SQL injection attempt as a name nobody has, and leaves the table intact', async () => {
    const loader = scoresLoader(dataSource);
    for (const key of ["Tom' OR '1'='1", "' OR 1=1 -- ", "Tom'; DROP TABLE student; --", 'Tom` OR 1=1']) {
      expect(await loader.load(key)).toBe(notFound);
    }
    expect(await backend.query('SELECT name, score FROM student ORDER BY name')).toEqual([
      { name: 'Jack', score: 589 },
      { name: 'Sam', score: 567 },
      { name: 'Tom', score: 630 },
    ]);
  });

  it('reads a scratch table with the demo layout', async () => {
    await ensureDemoData(dataSource, { table: 'scores_e2e' });
    await backend.query('UPDATE scores_e2e SET score = 1 WHERE name = ?', ['Tom']);
    const result = await scoresLoader(dataSource, { table: 'scores_e2e' }).load('Tom');
    expect(result.found && text(result.value)).toBe('1');
  });

  it('refuses a table name that is not a plain identifier', () => {
    expect(() => scoresLoader(dataSource, { table: 'student WHERE 1=1 --' })).toThrow(InvalidArgumentError);
  });

  it('rejects when the table is missing, so the cache does not remember a failure', async () => {
    await expect(scoresLoader(dataSource, { table: 'no_such_table' }).load('Tom')).rejects.toThrow(
      DatabaseQueryError,
    );
  });

  it('rejects when its data source has been closed', async () => {
    const closed = await backend.open();
    const loader = scoresLoader(closed);
    expect((await loader.load('Tom')).found).toBe(true);
    await closed.destroy();
    await expect(loader.load('Tom')).rejects.toThrow(DatabaseUnavailableError);
  });

  it('serves a cache-core Group, which caches answers but not failures', async () => {
    const broken = scoresLoader(dataSource, { table: 'later_student' });
    const group = new Group({ name: 'scores', loader: broken, maxBytes: 1 << 20 });
    await expect(group.get('Tom')).rejects.toThrow(LoadError);
    await ensureDemoData(dataSource, { table: 'later_student' });
    const tom = await group.get('Tom');
    expect({ found: tom.found, value: text(tom.value) }).toEqual({ found: true, value: '630' });
    expect((await group.get('Nobody')).found).toBe(false);
    expect(group.stats().loads).toEqual({ ok: 1, not_found: 1, error: 1 });
  });
});
