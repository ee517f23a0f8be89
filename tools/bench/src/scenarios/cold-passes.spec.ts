import { MAX_WARMING_PASSES } from '../data/keys';
import type { LoadResult } from '../load/load-spec';
import { loadAt } from '../testing/load-result.fixtures';
import { settled, SETTLED_WITHIN, warmingPasses } from './cold-passes';

const pass = (rps: number) => loadAt(rps);

/** Runs warmingPasses over passes whose rates are `rates` in turn; returns the ranges and counts asked. */
async function warm(rates: number[]): Promise<{ passes: LoadResult[]; asked: [number, number][] }> {
  const asked: [number, number][] = [];
  const passes = await warmingPasses(1_000, 100, async (from, n) => {
    asked.push([from, n]);
    return pass(rates[n - 1]);
  });
  return { passes, asked };
}

describe('warming passes', () => {
  it('settles when a pass runs within SETTLED_WITHIN of the one before, either way', () => {
    expect(SETTLED_WITHIN).toBe(0.1);
    expect(settled([pass(1_000)])).toBe(false);
    expect(settled([pass(500), pass(1_000), pass(1_100)])).toBe(true);
    expect(settled([pass(1_000), pass(900)])).toBe(true);
    expect(settled([pass(1_000), pass(1_101)])).toBe(false);
    expect(settled([pass(1_000), pass(899)])).toBe(false);
  });

  it('runs passes over fresh ranges until the rate settles', async () => {
    const { passes, asked } = await warm([3_000, 5_000, 7_500, 7_700, 9_000]);
    expect(passes.map((p) => p.rps)).toEqual([3_000, 5_000, 7_500, 7_700]);
    expect(asked).toEqual([
      [1_000, 1],
      [1_100, 2],
      [1_200, 3],
      [1_300, 4],
    ]);
  });

  it('runs at least two passes, and stops at MAX_WARMING_PASSES when the rate keeps rising', async () => {
    expect((await warm([8_000, 8_000])).passes).toHaveLength(2);
    const rising = Array.from({ length: MAX_WARMING_PASSES + 2 }, (_, i) => 1_000 * 2 ** i);
    const { asked } = await warm(rising);
    expect(asked).toHaveLength(MAX_WARMING_PASSES);
    expect(asked.at(-1)).toEqual([1_000 + (MAX_WARMING_PASSES - 1) * 100, MAX_WARMING_PASSES]);
  });
});
