import { InvalidArgumentError } from '@ringcache/cache-core';

import {
  decodeBatchKeys,
  decodeContext,
  decodeExpiredKeys,
  decodeGeneration,
  decodeLocalOnly,
  decodeTtlMs,
} from './request-decoder';

describe('decodeContext', () => {
  it('reads ring version and hops, defaulting to "" and 0', () => {
    expect(decodeContext({})).toEqual({ ringVersion: '', hops: 0 });
    expect(decodeContext({ 'x-ringcache-ring-version': 'v7', 'x-ringcache-hops': '1' })).toEqual({
      ringVersion: 'v7',
      hops: 1,
    });
  });

  it('reads the request id, dropping one that is not a valid id rather than refusing the request', () => {
    expect(decodeContext({ 'x-request-id': 'gw-1' }).requestId).toBe('gw-1');
    expect(decodeContext({ 'x-request-id': 'two words' }).requestId).toBeUndefined();
    expect(decodeContext({}).requestId).toBeUndefined();
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

describe('decodeLocalOnly', () => {
  it('reads 1 as true, 0 or absent as false', () => {
    expect(decodeLocalOnly(undefined)).toBe(false);
    expect(decodeLocalOnly({})).toBe(false);
    expect(decodeLocalOnly({ localOnly: '0' })).toBe(false);
    expect(decodeLocalOnly({ localOnly: '1' })).toBe(true);
  });

  it.each([['true'], ['yes'], [''], ['01'], [['1', '1']]])('rejects %j', (localOnly) => {
    expect(() => decodeLocalOnly({ localOnly })).toThrow(
      new InvalidArgumentError(`localOnly must be 0 or 1, got ${JSON.stringify(localOnly)}`),
    );
  });
});

describe('decodeGeneration', () => {
  const body = (text: string) => Buffer.from(text);

  it('reads the generation of {"generation":n}', () => {
    expect(decodeGeneration(body('{"generation":0}'))).toBe(0);
    expect(decodeGeneration(body('{"generation":1700000000123,"other":1}'))).toBe(1_700_000_000_123);
  });

  it.each([
    ['no body', undefined, /must be JSON \{"generation":<integer>\}/],
    ['not JSON', body('{"generation"'), /not valid JSON/],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), /not valid UTF-8/],
    ['a list', body('[1]'), /non-negative integer, got undefined/],
    ['a string', body('{"generation":"1"}'), /non-negative integer, got "1"/],
    ['a negative number', body('{"generation":-1}'), /got -1/],
    ['a fraction', body('{"generation":1.5}'), /got 1.5/],
    ['a number past 2^53', body('{"generation":9007199254740993}'), /non-negative integer/],
  ])('rejects %s', (_what, input, message) => {
    expect(() => decodeGeneration(input)).toThrow(InvalidArgumentError);
    expect(() => decodeGeneration(input)).toThrow(message);
  });
});

describe('decodeExpiredKeys', () => {
  const body = (value: unknown) => Buffer.from(JSON.stringify(value));

  it('reads the keys in order, copying only group, key and expireAtMs', () => {
    const keys = [
      { group: 'scores', key: 'ü/b', expireAtMs: 1_700_000_000_123 },
      { group: 'other', key: '', expireAtMs: 0 },
    ];
    const decoded = decodeExpiredKeys(body({ keys: keys.map((k) => ({ ...k, extra: true })) }));
    expect(decoded).toStrictEqual(keys);
    expect(decodeExpiredKeys(body({ keys: [] }))).toEqual([]);
  });

  it('takes at most 10,000 keys', () => {
    const keys = (n: number) => Array.from({ length: n }, () => ({ group: 'g', key: 'k', expireAtMs: 1 }));
    expect(decodeExpiredKeys(body({ keys: keys(10_000) }))).toHaveLength(10_000);
    expect(() => decodeExpiredKeys(body({ keys: keys(10_001) }))).toThrow(
      new InvalidArgumentError('at most 10000 keys per expire call, got 10001'),
    );
  });

  it.each([
    ['no body', undefined, /must be JSON/],
    ['not JSON', Buffer.from('{"keys":['), /not valid JSON/],
    ['keys missing', body({}), /keys a list/],
    ['keys not a list', body({ keys: { group: 'g' } }), /keys a list/],
    ['a key that is null', body({ keys: [null] }), /keys\[0\] must be/],
    ['a key that is a list', body({ keys: [['g', 'k', 1]] }), /keys\[0\] must be/],
    ['a key without a group', body({ keys: [{ key: 'k', expireAtMs: 1 }] }), /keys\[0\] must be/],
    [
      'a key that is a number',
      body({
        keys: [
          { group: 'g', key: 'k', expireAtMs: 1 },
          { group: 'g', key: 1, expireAtMs: 1 },
        ],
      }),
      /keys\[1\] must be/,
    ],
    ['an expiry as a string', body({ keys: [{ group: 'g', key: 'k', expireAtMs: '1' }] }), /keys\[0\]/],
    ['a negative expiry', body({ keys: [{ group: 'g', key: 'k', expireAtMs: -1 }] }), /keys\[0\]/],
    ['a fractional expiry', body({ keys: [{ group: 'g', key: 'k', expireAtMs: 0.5 }] }), /keys\[0\]/],
  ])('rejects %s', (_what, input, message) => {
    expect(() => decodeExpiredKeys(input)).toThrow(InvalidArgumentError);
    expect(() => decodeExpiredKeys(input)).toThrow(message);
  });
});
