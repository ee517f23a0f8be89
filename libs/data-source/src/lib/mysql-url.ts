import { InvalidArgumentError } from '@ringcache/cache-core';

/** Where and how to connect to MySQL / MariaDB, as read from a URL. */
export interface MysqlTarget {
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
  /** Connection character set or collation, from `?charset=`; undefined leaves mysql2's default (utf8mb4). */
  charset?: string;
}

const DEFAULT_PORT = 3306;
const SCHEMES = new Set(['mysql:', 'mariadb:']);
const CHARSET = /^[A-Za-z0-9_]{1,64}$/;

/**
 * Parses `mysql://user:password@host:port/database?charset=utf8mb4` (or `mariadb://…`). User and
 * password are percent-decoded; the port defaults to 3306; the database is required. Any other query
 * parameter is refused rather than silently ignored. Errors never repeat the password.
 */
export function parseMysqlUrl(url: string): MysqlTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError(`mysqlUrl is not a URL: ${JSON.stringify(redact(url))}`);
  }
  const shown = JSON.stringify(redact(url));
  if (!SCHEMES.has(parsed.protocol)) {
    throw new InvalidArgumentError(`mysqlUrl must start with mysql:// or mariadb://; got ${shown}`);
  }
  // WHATWG URL keeps the brackets of an IPv6 host; mysql2 wants the bare address.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new InvalidArgumentError(`mysqlUrl has no host: ${shown}`);
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORT;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) {
    throw new InvalidArgumentError(
      `mysqlUrl must name one database in its path, as in mysql://host/db; got ${shown}`,
    );
  }
  const target: MysqlTarget = {
    host,
    port,
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  };
  for (const [name, value] of parsed.searchParams) {
    if (name !== 'charset') {
      throw new InvalidArgumentError(
        `mysqlUrl parameter ${JSON.stringify(name)} is not supported (only charset)`,
      );
    }
    if (!CHARSET.test(value)) {
      throw new InvalidArgumentError(
        `mysqlUrl charset must be a name like utf8mb4; got ${JSON.stringify(value)}`,
      );
    }
    target.charset = value;
  }
  return target;
}

/** `url` with any password replaced by `***`, for error messages. */
function redact(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
