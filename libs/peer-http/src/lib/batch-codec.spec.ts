import type { GetResponse } from '@ringcache/cache-core';

import { decodeBatchResults, encodeBatchResults } from './batch-codec';

describe('the binary batch answer', () => {
  const results: GetResponse[] = [
    { found: true, value: Buffer.from([0, 1, 255]), expireAtMs: 1_800_000_000_123 },
    { found: true, value: Buffer.alloc(0), expireAtMs: 0 },
    { found: false, value: Buffer.alloc(0), expireAtMs: 42 },
    { found: true, value: Buffer.from('old'), expireAtMs: 7, stale: true },
    {
      found: false,
      value: Buffer.alloc(0),
      expireAtMs: 0,
      error: { code: 'load_failed', message: 'db down ✗' },
    },
  ];

  it('round-trips values, empty values, not-found, staleness and per-key errors, in order', () => {
    expect(decodeBatchResults(encodeBatchResults(results), results.length)).toEqual(results);
  });

  it('keeps a per-key error code this build does not know as internal, naming the code', () => {
    const body = encodeBatchResults([
      {
        found: false,
        value: Buffer.alloc(0),
        expireAtMs: 0,
        error: { code: 'rate_limited' as never, message: 'slow down' },
      },
    ]);
    expect(decodeBatchResults(body, 1)[0].error).toEqual({
      code: 'internal',
      message: 'rate_limited: slow down',
    });
  });

  it.each([
    ['fewer records than keys', (b: Buffer) => b, 6, /record 5 of 6 is cut short/],
    ['a record cut short', (b: Buffer) => b.subarray(0, b.length - 1), 5, /cut short/],
    [
      'bytes after the last record',
      (b: Buffer) => Buffer.concat([b, Buffer.from([0])]),
      5,
      /1 bytes after the last record/,
    ],
    [
      'unknown flags',
      (b: Buffer) => Buffer.concat([Buffer.from([8]), b.subarray(1)]),
      5,
      /record 0 has flags 8/,
    ],
    [
      'found and error at once',
      (b: Buffer) => Buffer.concat([Buffer.from([5]), b.subarray(1)]),
      5,
      /record 0 has flags 5/,
    ],
    [
      'a negative expiry',
      (b: Buffer) => {
        const copy = Buffer.from(b);
        copy.writeDoubleBE(-1, 1);
        return copy;
      },
      5,
      /expireAtMs -1/,
    ],
  ])('refuses %s', (_what, change, count, message) => {
    expect(() => decodeBatchResults(change(encodeBatchResults(results)), count)).toThrow(message);
  });
});
