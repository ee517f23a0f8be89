import { hopTable } from '../report/hop-table';
import { callsForRound, hopFigures, type HopRound } from './hop-figures';
import type { HopRow } from './hop.scenario';

const round = (calls: number, clientCpuSec: number, serverCpuSec: number, wallSec = 1): HopRound => ({
  calls,
  clientCpuSec,
  serverCpuSec,
  wallSec,
});

describe('hopFigures', () => {
  it('gives the median of each figure per call, in µs, and the total per key', () => {
    const figures = hopFigures(
      [round(1_000, 0.05, 0.03), round(1_000, 0.04, 0.02), round(2_000, 0.2, 0.1, 2)],
      16,
    );
    // Per call: client 50, 40, 100 µs; server 30, 20, 50 µs; totals 80, 60, 150 µs.
    expect(figures).toEqual({
      rounds: 3,
      clientUs: 50,
      serverUs: 30,
      totalUs: 80,
      perKeyUs: 5,
      callsPerSec: 1_000,
    });
  });

  it("takes the median of the rounds' totals, not the sum of the two medians", () => {
    // Totals 100, 100, 40 µs → 100; client median 60 + server median 30 would say 90.
    const figures = hopFigures(
      [round(100, 0.006, 0.004), round(100, 0.009, 0.001), round(100, 0.001, 0.003)],
      1,
    );
    expect(figures.clientUs).toBeCloseTo(60);
    expect(figures.serverUs).toBeCloseTo(30);
    expect(figures.totalUs).toBeCloseTo(100);
  });

  it('refuses no rounds, a round without calls or time, and a bad key count', () => {
    expect(() => hopFigures([], 1)).toThrow(/at least one round/);
    expect(() => hopFigures([round(0, 1, 1)], 1)).toThrow(/needs calls and wall time/);
    expect(() => hopFigures([round(10, 1, 1, 0)], 1)).toThrow(/needs calls and wall time/);
    expect(() => hopFigures([round(10, 1, 1)], 0)).toThrow(/positive integer, got 0/);
  });
});

describe('callsForRound', () => {
  it('scales the warm-up rate to the round length, never below the least', () => {
    expect(callsForRound(5_000, 0.5, 1, 100)).toBe(10_000);
    expect(callsForRound(10, 1, 1, 100)).toBe(100);
    expect(callsForRound(0, 0, 1, 100)).toBe(100);
  });
});

describe('hopTable', () => {
  const figures = (totalUs: number) => ({
    rounds: 5,
    clientUs: totalUs * 0.6,
    serverUs: totalUs * 0.4,
    totalUs,
    perKeyUs: totalUs,
    callsPerSec: 12_345.4,
  });
  const row = (id: string, totalUs: number | undefined, before?: string): HopRow => ({
    id,
    transport: id,
    call: 'Get',
    before,
    status: totalUs === undefined ? 'failed' : 'measured',
    figures: totalUs === undefined ? undefined : figures(totalUs),
    notes: totalUs === undefined ? ['the node did not start'] : [],
  });

  it('compares each row with its former way, and shows a failed row with its reason', () => {
    const table = hopTable([row('old', 100), row('new', 40, 'old'), row('lost', undefined, 'old')]);
    const lines = table.split('\n');
    expect(lines[2]).toMatch(/\| Get +\| old +\| 60\.0 +\| 40\.0 +\| 100\.0 +\| 100\.0 +\| — +\| 12,345 +\|/);
    expect(lines[3]).toMatch(/\| new +\| 24\.0 +\| 16\.0 +\| 40\.0 +\| 40\.0 +\| 0\.40× +\|/);
    expect(lines[4]).toMatch(/\| lost +\| — .*failed: the node did not start/);
  });
});
