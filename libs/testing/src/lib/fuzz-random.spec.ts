import { deepJson, FuzzRandom } from './fuzz-random';

describe('FuzzRandom', () => {
  it('gives the same sequence for the same seed, and another for another seed', () => {
    const draw = (seed: number) => {
      const random = new FuzzRandom(seed);
      return [random.int(0, 1_000_000), random.string(8), random.bytes(4).toString('hex')];
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('keeps int within its bounds and reaches both ends', () => {
    const random = new FuzzRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) seen.add(random.int(-2, 2));
    expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2]);
  });

  it('makes JSON-able values and deep JSON text', () => {
    const random = new FuzzRandom(1);
    for (let i = 0; i < 100; i++) expect(() => JSON.stringify(random.json())).not.toThrow();
    expect(JSON.parse(deepJson(3))).toEqual([[[]]]);
    expect(JSON.parse(deepJson(2, false))).toEqual({ a: { a: 1 } });
  });

  it('takes the seed and the count from the environment', () => {
    const saved = { ...process.env };
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      process.env['FUZZ_SEED'] = '99';
      process.env['FUZZ_COUNT'] = '5';
      expect(FuzzRandom.fromEnv('x').seed).toBe(99);
      expect(log).toHaveBeenCalledWith('x: FUZZ_SEED=99');
      expect(FuzzRandom.count(100)).toBe(5);
      delete process.env['FUZZ_COUNT'];
      expect(FuzzRandom.count(100)).toBe(100);
    } finally {
      process.env = saved;
      log.mockRestore();
    }
  });
});
