import type { DataSource } from 'typeorm';

import { InvalidArgumentError, notFound } from '@ringcache/cache-core';

import { BACKENDS, testBackend } from '../testing/test-backends';
import { DatabaseQueryError } from './errors';
import { encodeColumnValue, rowLoader } from './row-loader';

const text = (value: Uint8Array) => Buffer.from(value).toString('utf8');
const emptyText = (): string => '';

describe('encodeColumnValue', () => {
  it('keeps bytes and text, writes numbers, booleans, dates and JSON as text, and maps NULL to not found', () => {
    const bytes = Uint8Array.of(0, 255);
    expect(encodeColumnValue(bytes)).toBe(bytes);
    expect(encodeColumnValue('')).toBe('');
    expect(encodeColumnValue(630)).toBe('630');
    expect(encodeColumnValue(-1.5)).toBe('-1.5');
    expect(encodeColumnValue(12345678901234567890n)).toBe('12345678901234567890');
    expect(encodeColumnValue(true)).toBe('true');
    expect(encodeColumnValue(new Date(Date.UTC(2024, 0, 2)))).toBe('2024-01-02T00:00:00.000Z');
    expect(encodeColumnValue({ a: [1] })).toBe('{"a":[1]}');
    expect(encodeColumnValue(null)).toBeUndefined();
    expect(encodeColumnValue(undefined)).toBeUndefined();
  });
});

describe('rowLoader options', () => {
  const fake = {
    options: { type: 'better-sqlite3' },
    driver: { escape: (name: string) => `"${name}"` },
  } as unknown as DataSource;

  it('builds one parameterised single-row query with quoted identifiers', () => {
    const loader = rowLoader({ dataSource: fake, table: 'item', keyColumn: 'code', valueColumn: 'label' });
    expect(loader.sql).toBe('SELECT "code", "label" FROM "item" WHERE "code" = ? LIMIT 1');
  });

  it('reads the key column once when it is also a value column', () => {
    const loader = rowLoader({
      dataSource: fake,
      table: 'item',
      keyColumn: 'code',
      columns: ['code', 'price'],
      encode: emptyText,
    });
    expect(loader.sql).toBe('SELECT "code", "price" FROM "item" WHERE "code" = ? LIMIT 1');
  });

  it.each([
    ['a table with SQL in it', { table: 'item; DROP TABLE item' }, /^table must be 1 to 64 characters/],
    ['a key column with a quote', { keyColumn: "code' OR '1'='1" }, /^keyColumn must be/],
    ['a value column list', { valueColumn: 'label, password' }, /^valueColumn must be/],
    [
      'a bad name in columns',
      { valueColumn: undefined, columns: ['ok', 'not ok'], encode: emptyText },
      /^columns\[\] must be/,
    ],
    ['valueColumn and encode together', { encode: emptyText }, /either valueColumn, or columns and encode/],
    [
      'neither valueColumn nor encode',
      { valueColumn: undefined },
      /give valueColumn, or a non-empty columns list/,
    ],
    [
      'encode without columns',
      { valueColumn: undefined, columns: [], encode: emptyText },
      /non-empty columns list/,
    ],
  ])('rejects %s at construction', (_case, override, message) => {
    const options = { dataSource: fake, table: 'item', keyColumn: 'code', valueColumn: 'label', ...override };
    expect(() => rowLoader(options)).toThrow(InvalidArgumentError);
    expect(() => rowLoader(options)).toThrow(message);
  });

  it('rejects a kind of database it cannot read', () => {
    const postgres = { ...fake, options: { type: 'postgres' } } as unknown as DataSource;
    expect(() =>
      rowLoader({ dataSource: postgres, table: 'item', keyColumn: 'code', valueColumn: 'label' }),
    ).toThrow('rowLoader supports mysql, mariadb and better-sqlite3 data sources; got postgres');
  });

  it('rejects a bad MySQL deadline', () => {
    const mysql = { ...fake, options: { type: 'mysql' } } as unknown as DataSource;
    expect(() =>
      rowLoader({ dataSource: mysql, table: 'item', keyColumn: 'code', valueColumn: 'label', timeoutMs: 0 }),
    ).toThrow('timeoutMs must be a positive integer; got 0');
  });
});

describe.each(BACKENDS)('rowLoader on %s', (kind) => {
  const backend = testBackend(kind);
  let dataSource: DataSource;
  beforeAll(async () => {
    await backend.setUp();
    dataSource = await backend.open();
    await backend.query(
      `CREATE TABLE item (code VARCHAR(64) NOT NULL PRIMARY KEY, label VARCHAR(255), price INT NOT NULL, payload BLOB)`,
    );
    await backend.query(
      `INSERT INTO item (code, label, price, payload) VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)`,
      [...['a1', 'Apple', 120, Buffer.from([0, 255])], ...['empty', '', 0, null], ...['null', null, 1, null]],
    );
  });
  afterAll(() => backend.tearDown());

  const load = (key: string, options: Partial<Parameters<typeof rowLoader>[0]> = {}) =>
    rowLoader({ dataSource, table: 'item', keyColumn: 'code', valueColumn: 'label', ...options }).load(key);

  it('returns the value column as bytes when the row exists', async () => {
    const result = await load('a1');
    expect(result.found).toBe(true);
    expect(result.found && text(result.value)).toBe('Apple');
  });

  it('tells an empty value (found, zero bytes) from a missing row (not found)', async () => {
    expect(await load('empty')).toEqual({ found: true, value: Buffer.alloc(0), ttlMs: undefined });
    expect(await load('missing')).toBe(notFound);
  });

  it('treats SQL NULL as not found', async () => {
    expect(await load('null')).toBe(notFound);
  });

  it('writes numbers as decimal text and passes bytes through', async () => {
    const price = await load('a1', { valueColumn: 'price' });
    expect(price.found && text(price.value)).toBe('120');
    const payload = await load('a1', { valueColumn: 'payload' });
    expect(payload.found && [...payload.value]).toEqual([0, 255]);
  });

  it('encodes several columns with encode, and encode may answer not found', async () => {
    const encode = (row: Record<string, unknown>) =>
      row['price'] === 0 ? undefined : `${row['label']}:${row['price']}`;
    const options = { valueColumn: undefined, columns: ['label', 'price'], encode };
    const apple = await load('a1', options);
    expect(apple.found && text(apple.value)).toBe('Apple:120');
    expect(await load('empty', options)).toBe(notFound);
  });

  it('binds the key as a parameter: an injection attempt is just a key nobody has', async () => {
    for (const key of ["a1' OR '1'='1", "' OR 1=1 -- ", 'a1"; DROP TABLE item; --', '%', '\\', '\u0000']) {
      expect(await load(key)).toBe(notFound);
    }
    expect(await backend.query('SELECT code FROM item ORDER BY code')).toHaveLength(3);
  });

  it('answers only the exact key, whatever the collation folds', async () => {
    expect(await load('A1')).toBe(notFound);
    expect(await load('a1 ')).toBe(notFound);
    if (kind === 'mysql') {
      // MariaDB's default collation ignores case and trailing spaces; exactMatch: false accepts that.
      expect((await load('A1', { exactMatch: false })).found).toBe(true);
    }
  });

  it('verify() passes on a good query and rejects a missing table or column', async () => {
    await expect(
      rowLoader({ dataSource, table: 'item', keyColumn: 'code', valueColumn: 'label' }).verify(),
    ).resolves.toBeUndefined();
    await expect(
      rowLoader({ dataSource, table: 'nope', keyColumn: 'code', valueColumn: 'label' }).verify(),
    ).rejects.toThrow(DatabaseQueryError);
    await expect(
      rowLoader({ dataSource, table: 'item', keyColumn: 'code', valueColumn: 'nope' }).verify(),
    ).rejects.toThrow(DatabaseQueryError);
  });

  it('rejects, never answers not found, when the query fails, naming the database and what it read', async () => {
    const loader = rowLoader({ dataSource, table: 'gone', keyColumn: 'code', valueColumn: 'label' });
    const error = await loader.load('a1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseQueryError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^reading gone by code in ${kind === 'mysql' ? 'mysql 127\\.0\\.0\\.1:\\d+/rc_test_\\w+' : 'sqlite .*'} failed: `,
      ),
    );
    expect((error as DatabaseQueryError).recoverable).toBe(false);
  });

  it('loads many keys with one IN query, in the order asked, exact keys only', async () => {
    const loader = rowLoader({ dataSource, table: 'item', keyColumn: 'code', valueColumn: 'label' });
    const keys = ['missing', 'a1', 'A1', 'empty', 'null', 'a1', "a1' OR '1'='1"];
    const results = await (loader.loadMany as NonNullable<typeof loader.loadMany>)(keys);
    expect(results.map((r) => (r.found ? text(r.value) : null))).toEqual([
      null,
      'Apple',
      null,
      '',
      null,
      'Apple',
      null,
    ]);
  });

  it('keeps the number of distinct IN queries small: lists padded to a power of two', () => {
    const loader = rowLoader({ dataSource, table: 'item', keyColumn: 'code', valueColumn: 'label' });
    const sizes = new Set(Array.from({ length: 1_000 }, (_, n) => loader.sqlOf(n + 1)));
    expect(sizes.size).toBe(11);
    expect(loader.sqlOf(3)).toMatch(/IN \(\?, \?, \?, \?\)$/);
  });

  it('offers no loadMany without exactMatch, since rows could answer other spellings', () => {
    expect(
      rowLoader({ dataSource, table: 'item', keyColumn: 'code', valueColumn: 'label', exactMatch: false })
        .loadMany,
    ).toBeUndefined();
  });

  it('keeps working when the table is dropped and created again', async () => {
    const loader = rowLoader({ dataSource, table: 'later', keyColumn: 'k', valueColumn: 'v' });
    await backend.query('CREATE TABLE later (k VARCHAR(8) PRIMARY KEY, v VARCHAR(8))');
    await backend.query(`INSERT INTO later (k, v) VALUES ('x', 'one')`);
    expect(text(((await loader.load('x')) as { value: Uint8Array }).value)).toBe('one');
    await backend.query('DROP TABLE later');
    await expect(loader.load('x')).rejects.toThrow(DatabaseQueryError);
    await backend.query('CREATE TABLE later (k VARCHAR(8) PRIMARY KEY, v VARCHAR(8))');
    await backend.query(`INSERT INTO later (k, v) VALUES ('x', 'two')`);
    expect(text(((await loader.load('x')) as { value: Uint8Array }).value)).toBe('two');
  });
});
