import { parseSoakOptions } from './soak-options';

describe('parseSoakOptions', () => {
  it('has defaults for a 30-minute soak', () => {
    expect(parseSoakOptions([])).toEqual({
      durationMs: 1_800_000,
      intervalMs: 5_000,
      rate: 200,
      concurrency: 24,
      keys: 40_000,
      budgetBytes: 2 * 2 ** 20,
      warmUpShare: 0.2,
      seed: 1,
      jsonPath: undefined,
    });
  });

  it('takes durations, sizes and numbers as written', () => {
    const options = parseSoakOptions([
      '--duration',
      '90s',
      '--interval',
      '2s',
      '--budget',
      '2MiB',
      '--rate=100',
      '--json',
      'out.json',
    ]);
    expect(options).toMatchObject({
      durationMs: 90_000,
      intervalMs: 2_000,
      budgetBytes: 2 ** 21,
      rate: 100,
      jsonPath: 'out.json',
    });
  });

  it('names the option and the value it refuses', () => {
    expect(() => parseSoakOptions(['--duration', 'soon'])).toThrow(/invalid duration "soon"/);
    expect(() => parseSoakOptions(['--rate', '0'])).toThrow(
      '--rate 0: expected a whole number from 1 to 5000',
    );
    expect(() => parseSoakOptions(['--warm-up', '1'])).toThrow(
      '--warm-up 1: expected a number from 0 to 0.9',
    );
    expect(() => parseSoakOptions(['--duration', '30s'])).toThrow(
      '--duration 30s is under 20 intervals of 5s',
    );
    expect(() => parseSoakOptions(['--budget', '512KiB'])).toThrow('--budget 512KiB is below 1MiB');
    expect(() => parseSoakOptions(['--bogus'])).toThrow(/bogus/);
  });
});
