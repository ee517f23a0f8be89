import { durationMs, sizeBytes } from './units';

describe('durations and sizes, as config/ringcache.yaml takes them', () => {
  it.each([
    ['0', 0],
    ['2500', 2500],
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['5M', 300_000],
  ])('reads the duration %s', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it.each(['', 'soon', '-1s', '1h 30m', '0.5ms', '5 minutes', '1e3'])('refuses the duration %j', (text) => {
    expect(durationMs(text)).toBeUndefined();
  });

  it.each([
    ['1048576', 1_048_576],
    ['64MiB', 64 * 2 ** 20],
    ['512KiB', 512 * 1024],
    ['64MB', 64e6],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['10b', 10],
  ])('reads the size %s', (text, bytes) => {
    expect(sizeBytes(text)).toBe(bytes);
  });

  it.each(['', 'big', '-1MiB', '64 MiBs', '1.5B'])('refuses the size %j', (text) => {
    expect(sizeBytes(text)).toBeUndefined();
  });
});
