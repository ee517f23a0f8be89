import { InvalidArgumentError, ValueTooLargeError } from '@ringcache/cache-core';

import { asBuffer, checkName, ttlMs, valueBytes } from './request-values';

describe('valueBytes', () => {
  it('takes bytes as they are and text as UTF-8', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(valueBytes(bytes, 10)).toBe(bytes);
    expect(Buffer.from(valueBytes('héllo', 10)).toString('hex')).toBe('68c3a96c6c6f');
    expect(valueBytes('', 10).byteLength).toBe(0);
  });

  it('refuses what is not bytes or text, and values over the limit', () => {
    expect(() => valueBytes(42, 10)).toThrow(
      new InvalidArgumentError('value must be a Buffer, a Uint8Array or a string, got number'),
    );
    expect(() => valueBytes({ a: 1 }, 10)).toThrow('got Object');
    expect(() => valueBytes(null, 10)).toThrow('got null');
    expect(() => valueBytes('12345678901', 10)).toThrow(ValueTooLargeError);
    expect(() => valueBytes('é'.repeat(6), 11)).toThrow('value is 12 bytes, over the limit of 11');
  });
});

describe('ttlMs', () => {
  it('is 0 (the group default) when absent; ms or a duration otherwise', () => {
    expect(ttlMs(undefined)).toBe(0);
    expect(ttlMs(30_000)).toBe(30_000);
    expect(ttlMs('30s')).toBe(30_000);
    expect(ttlMs('1h30m')).toBe(5_400_000);
    expect(ttlMs('30d')).toBe(30 * 86_400_000);
  });

  it('refuses bad durations and values outside 1 s to 30 days', () => {
    expect(() => ttlMs('soon')).toThrow(/^ttl: invalid duration "soon"/);
    expect(() => ttlMs(999)).toThrow(
      "ttl must be between 1s and 30d (leave it out for the group's default), got 999",
    );
    expect(() => ttlMs(0)).toThrow(InvalidArgumentError);
    expect(() => ttlMs('31d')).toThrow('got "31d"');
    expect(() => ttlMs(1.5)).toThrow('ttl must be an integer of ms, got 1.5');
    expect(() => ttlMs(true)).toThrow('ttl must be ms or a duration such as "30s", got boolean');
  });
});

describe('checkName and asBuffer', () => {
  it('accepts strings only', () => {
    expect(checkName('key', 'Tom')).toBe('Tom');
    expect(() => checkName('key', 7)).toThrow(new InvalidArgumentError('key must be a string, got number'));
    expect(() => checkName('group', undefined)).toThrow('group must be a string, got undefined');
  });

  it('wraps bytes in a Buffer without copying', () => {
    const bytes = new Uint8Array([0, 1, 2, 3]).subarray(1, 3);
    const buffer = asBuffer(bytes);
    expect(Buffer.isBuffer(buffer)).toBe(true);
    expect([...buffer]).toEqual([1, 2]);
    bytes[0] = 9;
    expect(buffer[0]).toBe(9);
    const already = Buffer.from('x');
    expect(asBuffer(already)).toBe(already);
  });
});
