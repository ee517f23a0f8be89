import { InvalidArgumentError } from '@ringcache/cache-core';

import { decodeBatchKeys, decodeContext, decodeTtlMs } from './request-decoder';

describe('decodeContext', () => {
  it('reads ring version and hops, defaulting to "" and 0', () => {
    expect(decodeContext({})).toEqual({ ringVersion: '', hops: 0 });
    expect(decodeContext({ 'x-ringcache-ring-version': 'v7', 'x-ringcache-hops': '1' })).toEqual({
      ringVersion: 'v7',
      hops: 1,
    });
  });

  it.each(['abc', '-1', '1.5', '', ' 1', '1e3', '0x10', '1, 1'])('rejects hops %j', (hops) => {
    expect(() => decodeContext({ 'x-ringcache-hops': hops })).toThrow(InvalidArgumentError);
  });
});

describe('decodeTtlMs', () => {
  it('reads a non-negative integer, absent meaning 0', () => {
    expect(decodeTtlMs({})).toBe(0);
    expect(decodeTtlMs(undefined)).toBe(0);
    expect(decodeTtlMs({ ttlMs: '1500' })).toBe(1500);
  });

  it.each([['x'], [['1', '2']], ['-5'], ['']])('rejects %j', (ttlMs) => {
    expect(() => decodeTtlMs({ ttlMs })).toThrow(/ttlMs must be a non-negative integer/);
  });
});

describe('decodeBatchKeys', () => {
  const body = (text: string) => Buffer.from(text);

  it('reads the keys of {"keys":[...]}', () => {
    expect(decodeBatchKeys(body('{"keys":["a","ü/b",""]}'))).toEqual(['a', 'ü/b', '']);
  });

  it.each([
    ['no body', undefined, /must be JSON/],
    ['not JSON', body('{keys'), /not valid JSON/],
    ['JSON null', body('null'), /every key a string/],
    ['keys missing', body('{}'), /every key a string/],
    ['keys not a list', body('{"keys":"a"}'), /every key a string/],
    ['a key not a string', body('{"keys":["a",1]}'), /every key a string/],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), /not valid UTF-8/],
  ])('rejects %s', (_what, input, message) => {
    expect(() => decodeBatchKeys(input)).toThrow(InvalidArgumentError);
    expect(() => decodeBatchKeys(input)).toThrow(message);
  });
});
