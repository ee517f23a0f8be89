import { InvalidArgumentError } from '@ringcache/cache-core';

import { parseMysqlUrl } from './mysql-url';

describe('parseMysqlUrl', () => {
  it('reads user, password, host, port and database', () => {
    expect(parseMysqlUrl('mysql://app:secret@db.example:3307/ringcache')).toEqual({
      host: 'db.example',
      port: 3307,
      username: 'app',
      password: 'secret',
      database: 'ringcache',
    });
  });

  it('defaults the port to 3306 and the password to empty, and accepts mariadb://', () => {
    expect(parseMysqlUrl('mariadb://root@127.0.0.1/test')).toEqual({
      host: '127.0.0.1',
      port: 3306,
      username: 'root',
      password: '',
      database: 'test',
    });
  });

  it('percent-decodes the user, password and database', () => {
    const target = parseMysqlUrl('mysql://us%40er:p%3Ass%2Fw%40rd@localhost/my%20db');
    expect(target).toMatchObject({ username: 'us@er', password: 'p:ss/w@rd', database: 'my db' });
  });

  it('takes the charset from ?charset=', () => {
    expect(parseMysqlUrl('mysql://root@localhost/test?charset=utf8mb4_unicode_ci').charset).toBe(
      'utf8mb4_unicode_ci',
    );
  });

  it('strips the brackets of an IPv6 host', () => {
    expect(parseMysqlUrl('mysql://root@[::1]:3306/test').host).toBe('::1');
  });

  it.each([
    ['not a url', /not a URL/],
    ['postgres://root@localhost/test', /must start with mysql:\/\/ or mariadb:\/\//],
    ['mysql://root@localhost', /must name one database/],
    ['mysql://root@localhost/', /must name one database/],
    ['mysql://root@localhost/a/b', /must name one database/],
    ['mysql://root@localhost/test?ssl=true', /parameter "ssl" is not supported/],
    ['mysql://root@localhost/test?charset=utf8;drop', /charset must be a name/],
  ])('rejects %s', (url, message) => {
    expect(() => parseMysqlUrl(url)).toThrow(InvalidArgumentError);
    expect(() => parseMysqlUrl(url)).toThrow(message);
  });

  it('never repeats the password in an error', () => {
    expect(() => parseMysqlUrl('postgres://app:hunter2@localhost/test')).toThrow(
      'postgres://app:***@localhost/test',
    );
    expect(() => parseMysqlUrl('postgres://app:hunter2@localhost/test')).not.toThrow(/hunter2/);
  });
});
