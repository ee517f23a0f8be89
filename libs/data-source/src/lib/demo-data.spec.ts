import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { DataSource } from 'typeorm';

import { InvalidArgumentError } from '@ringcache/cache-core';

import { BACKENDS, testBackend } from '../testing/test-backends';
import { DEMO_STUDENTS, ensureDemoData } from './demo-data';
import { Student } from './student.entity';

const DEMO = [
  { name: 'Jack', score: 589 },
  { name: 'Sam', score: 567 },
  { name: 'Tom', score: 630 },
];

describe.each(BACKENDS)('ensureDemoData on %s', (kind) => {
  const backend = testBackend(kind);
  beforeAll(() => backend.setUp());
  afterAll(() => backend.tearDown());

  const rows = (table: string) =>
    backend.query<{ name: string; score: number }[]>(`SELECT name, score FROM ${table} ORDER BY name`);

  it('has the original demo rows', () => {
    expect(DEMO_STUDENTS).toEqual(
      expect.arrayContaining([
        { name: 'Tom', score: 630 },
        { name: 'Jack', score: 589 },
        { name: 'Sam', score: 567 },
      ]),
    );
  });

  it('creates the student table and seeds it, readable through the Student entity', async () => {
    const dataSource = await backend.open();
    await ensureDemoData(dataSource);
    expect(await rows('student')).toEqual(DEMO);
    const tom = await dataSource.getRepository(Student).findOneByOrFail({ name: 'Tom' });
    expect(tom).toMatchObject({ name: 'Tom', score: 630 });
    expect(typeof tom.id).toBe('number');
  });

  it('is idempotent and leaves other rows and changed scores alone', async () => {
    const dataSource = await backend.open();
    await backend.query('UPDATE student SET score = 700 WHERE name = ?', ['Tom']);
    await backend.query('INSERT INTO student (name, score) VALUES (?, ?)', ['Ann', 1]);
    await ensureDemoData(dataSource);
    await ensureDemoData(dataSource);
    expect(await rows('student')).toEqual([
      { name: 'Ann', score: 1 },
      ...DEMO.map((r) => (r.name === 'Tom' ? { ...r, score: 700 } : r)),
    ]);
  });

  it('leaves exactly one row per name when three DataSources seed one database at once', async () => {
    const dataSources = await Promise.all([backend.open(), backend.open(), backend.open()]);
    // Many rounds, so that InnoDB's occasional deadlock between the seeders (and the retry) happens.
    for (let round = 0; round < 20; round++) {
      const table = `race_${round}`;
      await Promise.all(dataSources.map((d: DataSource) => ensureDemoData(d, { table })));
      expect(await rows(table)).toEqual(DEMO);
    }
  });

  it('rejects a table name that is not a plain identifier, and creates nothing', async () => {
    const dataSource = await backend.open();
    const before = await rows('student');
    for (const table of ['student; DROP TABLE student', 'x`y', 'a.b', '']) {
      await expect(ensureDemoData(dataSource, { table })).rejects.toThrow(InvalidArgumentError);
    }
    expect(await rows('student')).toEqual(before);
  });
});

describe('ensureDemoData from three processes on one SQLite file', () => {
  const backend = testBackend('sqlite');
  beforeAll(() => backend.setUp());
  afterAll(() => backend.tearDown());

  it('opens and seeds the same new file at the same moment, leaving one row per name', async () => {
    const sqlitePath = backend.options().sqlitePath as string;
    const root = join(__dirname, '../testing');
    // Far enough ahead for all three to have loaded TypeORM and compiled the sources.
    const startAt = String(Date.now() + 4_000);
    const run = () =>
      promisify(execFile)(
        process.execPath,
        ['-r', join(root, 'register-ts.cjs'), join(root, 'seed-process.ts'), sqlitePath, startAt],
        { timeout: 20_000 },
      );
    const outputs = await Promise.all([run(), run(), run()]);
    expect(outputs.map((o) => o.stdout)).toEqual(['seeded\n', 'seeded\n', 'seeded\n']);
    expect(await backend.query(`SELECT name, score FROM student ORDER BY name`)).toEqual(DEMO);
  }, 30_000);
});
