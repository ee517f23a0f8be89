import { RingcacheError } from '@ringcache/cache-core';

import { DatabaseQueryError, DatabaseUnavailableError } from './errors';

describe('data-source errors', () => {
  it('marks an unreachable database as recoverable, naming it', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:3306');
    const error = new DatabaseUnavailableError('mysql 127.0.0.1:3306/test', cause.message, { cause });
    expect(error).toBeInstanceOf(RingcacheError);
    expect(error).toMatchObject({
      code: 'unavailable',
      recoverable: true,
      database: 'mysql 127.0.0.1:3306/test',
      cause,
    });
    expect(error.name).toBe('DatabaseUnavailableError');
    expect(error.message).toBe(
      'mysql 127.0.0.1:3306/test is unavailable: connect ECONNREFUSED 127.0.0.1:3306',
    );
  });

  it('marks a failed query as not recoverable, naming the database and the operation', () => {
    const error = new DatabaseQueryError(
      'sqlite /tmp/x.sqlite',
      'reading student by name',
      'no such table: student',
    );
    expect(error).toMatchObject({
      code: 'load_failed',
      recoverable: false,
      operation: 'reading student by name',
    });
    expect(error.message).toBe(
      'reading student by name in sqlite /tmp/x.sqlite failed: no such table: student',
    );
  });
});
