import { formatBytes, formatDuration, parseBytes, parseDuration } from './units';

describe('parseDuration', () => {
  it.each([
    [0, 0],
    [2500, 2500],
    ['2500', 2500],
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['1.1s', 1100],
    [' 30 S ', 30_000],
    ['0s', 0],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '-5s', '5x', '1h 30m', '0.5ms', 's', '1.s', -1, 1.5, Number.NaN, 2 ** 60])(
    'rejects %j with a RangeError naming the input and the syntax',
    (text) => {
      expect(() => parseDuration(text as string | number)).toThrow(RangeError);
    },
  );

  it('says what was wrong and what is expected', () => {
    expect(() => parseDuration('30x')).toThrow(
      'invalid duration "30x": expected a duration: an integer of milliseconds',
    );
  });
});

describe('parseBytes', () => {
  it.each([
    [0, 0],
    [1024, 1024],
    ['1024', 1024],
    ['100B', 100],
    ['1KB', 1000],
    ['64MB', 64_000_000],
    ['1GB', 1e9],
    ['512KiB', 524_288],
    ['1MiB', 1_048_576],
    ['64MiB', 67_108_864],
    ['1.5KiB', 1536],
    ['2 gib', 2 * 2 ** 30],
  ])('reads %j as %d bytes', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  it.each(['', 'MiB', '1MiBs', '-1', '1M', '1.3B', '1 potato', 1.5, -1])('rejects %j', (text) => {
    expect(() => parseBytes(text as string | number)).toThrow(RangeError);
  });

  it('says what was wrong and what is expected', () => {
    expect(() => parseBytes('1 potato')).toThrow(
      'invalid size "1 potato": expected a size: an integer of bytes',
    );
  });
});

describe('formatDuration and formatBytes', () => {
  it('use the largest unit that divides the value', () => {
    expect([0, 2500, 30_000, 300_000, 7_200_000, 86_400_000].map(formatDuration)).toEqual([
      '0',
      '2500ms',
      '30s',
      '5m',
      '2h',
      '1d',
    ]);
    expect([1000, 1024, 1_048_576, 67_108_864, 2 ** 30].map(formatBytes)).toEqual([
      '1000B',
      '1KiB',
      '1MiB',
      '64MiB',
      '1GiB',
    ]);
  });

  it('round-trip through the parsers', () => {
    for (const ms of [1, 999, 1000, 61_000, 3_600_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
    for (const bytes of [1, 1000, 1024, 1536, 1_048_576]) expect(parseBytes(formatBytes(bytes))).toBe(bytes);
  });
});
