import { InvalidArgumentError } from '@ringcache/cache-core';

import { isSqlIdentifier, sqlIdentifier } from './sql-identifier';

describe('sqlIdentifier', () => {
  it.each(['student', 'Student_2', '_x', '123', 'a'.repeat(64)])('accepts %j', (name) => {
    expect(isSqlIdentifier(name)).toBe(true);
    expect(sqlIdentifier(name, 'table')).toBe(name);
  });

  it.each([
    '',
    'a'.repeat(65),
    'student; DROP TABLE student',
    "student' OR '1'='1",
    'db.student',
    'stu dent',
    '`student`',
    '"student"',
    'student--',
    'élève',
    'name\u0000',
  ])('rejects %j, naming the option and the value', (name) => {
    expect(isSqlIdentifier(name)).toBe(false);
    expect(() => sqlIdentifier(name, 'table')).toThrow(InvalidArgumentError);
    expect(() => sqlIdentifier(name, 'table')).toThrow(`table must be 1 to 64 characters`);
    expect(() => sqlIdentifier(name, 'table')).toThrow(JSON.stringify(name));
  });

  it.each([undefined, null, 42, {}, ['student']])('rejects the non-string %j', (name) => {
    expect(() => sqlIdentifier(name, 'keyColumn')).toThrow(/^keyColumn must be/);
  });
});
