import type { DataSource } from 'typeorm';

/**
 * Names the database behind a data source for messages and logs — `mysql host:port/db` or
 * `sqlite <path>` — never with credentials.
 */
export function describeDataSource(dataSource: Pick<DataSource, 'options'>): string {
  const options = dataSource.options;
  switch (options.type) {
    case 'mysql':
    case 'mariadb':
      return `${options.type} ${options.host ?? 'localhost'}:${options.port ?? 3306}/${options.database ?? ''}`;
    case 'better-sqlite3':
    case 'sqlite':
      return `sqlite ${options.database}`;
    default:
      return options.type;
  }
}
