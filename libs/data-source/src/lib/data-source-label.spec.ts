import type { DataSource } from 'typeorm';

import { describeDataSource } from './data-source-label';

const withOptions = (options: object) => ({ options }) as Pick<DataSource, 'options'>;

describe('describeDataSource', () => {
  it('names a MySQL database by host, port and database, never with credentials', () => {
    const label = describeDataSource(
      withOptions({
        type: 'mysql',
        host: 'db',
        port: 3307,
        database: 'shop',
        username: 'u',
        password: 'secret',
      }),
    );
    expect(label).toBe('mysql db:3307/shop');
  });

  it('fills in the defaults mysql2 would use', () => {
    expect(describeDataSource(withOptions({ type: 'mariadb', database: 'shop' }))).toBe(
      'mariadb localhost:3306/shop',
    );
  });

  it('names a SQLite database by its path', () => {
    expect(describeDataSource(withOptions({ type: 'better-sqlite3', database: '/var/lib/rc.sqlite' }))).toBe(
      'sqlite /var/lib/rc.sqlite',
    );
  });

  it('falls back to the kind of database', () => {
    expect(describeDataSource(withOptions({ type: 'postgres' }))).toBe('postgres');
  });
});
