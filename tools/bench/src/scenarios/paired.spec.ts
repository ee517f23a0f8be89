import { benchSettings, type BenchContext } from '../bench-context';
import type { PairSide } from '../load/load-spec';
import { checkTargets, describeCheck, verdictRatio } from '../report/targets';
import { loadAt } from '../testing/load-result.fixtures';
import type { HttpRow } from './http-row';
import { activeMs, pairedRatio, pairRowTargets } from './paired';

const ROW: PairSide = { origin: 'http://row', target: { kind: 'one', path: '/r' } };
const BASE: PairSide = { origin: 'http://base', target: { kind: 'one', path: '/b' } };

/** Interleaved runs that answer the next rates in turn, and record whose turn came first. */
function fakeRuns(rates: [number, number][]) {
  const first: string[] = [];
  const measure = async (row: PairSide, base: PairSide, rowFirst: boolean) => {
    expect([row, base]).toEqual([ROW, BASE]);
    first.push(rowFirst ? 'row' : 'base');
    return rates.shift() as [number, number];
  };
  return { first, measure };
}

function row(id: string, kind: HttpRow['kind'], rps: number, keys: HttpRow['keys'] = 'uniform'): HttpRow {
  return { id, name: id, kind, keys, status: 'measured', load: loadAt(rps), notes: [] };
}

describe('pairedRatio', () => {
  it('lets each side go first in turn and checks the median of the runs', async () => {
    const { first, measure } = fakeRuns([
      [9, 10],
      [12, 10],
      [5, 10],
    ]);
    const paired = await pairedRatio('redis-uniform', ROW, BASE, 3, measure);
    expect(first).toEqual(['base', 'row', 'base']);
    expect(paired).toEqual({ against: 'redis-uniform', ratio: 0.9, low: 0.5, high: 1.2, runs: 3 });
  });

  it('takes the mean of the middle two of an even number of runs', async () => {
    const { measure } = fakeRuns([
      [6, 10],
      [8, 10],
      [10, 10],
      [20, 10],
    ]);
    expect((await pairedRatio('bare-http', ROW, BASE, 4, measure)).ratio).toBeCloseTo(0.9);
  });

  it('refuses no runs, and a baseline that answered nothing', async () => {
    await expect(pairedRatio('x', ROW, BASE, 0, fakeRuns([]).measure)).rejects.toThrow(/at least one run/);
    const { measure } = fakeRuns([[5, 0]]);
    await expect(pairedRatio('redis-del', ROW, BASE, 1, measure)).rejects.toThrow(
      /redis-del answered nothing/,
    );
  });
});

describe('activeMs', () => {
  it('counts only the turns, and the parts of them, inside the measured window', () => {
    const turns: [number, number][] = [
      [0, 400],
      [800, 1_200],
      [1_600, 2_000],
    ];
    expect(activeMs(turns, [0, 2_000])).toBe(1_200);
    expect(activeMs(turns, [100, 1_700])).toBe(300 + 400 + 100);
    expect(activeMs(turns, [400, 800])).toBe(0);
  });
});

describe('targets on pairs', () => {
  const rows = [
    row('redis-uniform', 'baseline-redis', 20_000),
    row('groupcache-uniform', 'baseline-groupcache', 40_000),
    { ...row('gateway-grpc-nearoff-uniform', 'ringcache', 17_000), paired: [] as HttpRow['paired'] },
  ];

  it('checks a target on the paired median, and prints the pairs and the own run', () => {
    rows[2].paired = [{ against: 'redis-uniform', ratio: 1.04, low: 0.97, high: 1.1, runs: 3 }];
    const [check, moonshot] = checkTargets(rows).filter((c) => c.metric === 'rps');
    expect(check).toMatchObject({ against: 'redis-uniform', ratio: 1.04, met: true, single: 0.85 });
    expect(describeCheck(check)).toBe('≥ 1.00× (b): ✓ 1.04× paired (0.97–1.10, 3 runs; own run 0.85×)');
    // The moonshot's baseline was not paired: its check stays on the rows.
    expect(moonshot).toMatchObject({ against: 'groupcache-uniform', ratio: 17_000 / 40_000, met: false });
    expect(describeCheck(moonshot)).toBe('moonshot ≥ 0.80× (c): ✗ 0.42×');
  });

  it('never prints a missed target as its goal: more decimals, or a bound', () => {
    rows[2].paired = [{ against: 'redis-uniform', ratio: 0.9995, low: 0.99, high: 1.06, runs: 3 }];
    const [check] = checkTargets(rows).filter((c) => c.metric === 'rps');
    expect(check.met).toBe(false);
    expect(describeCheck(check)).toBe('≥ 1.00× (b): ✗ 0.9995× paired (0.99–1.06, 3 runs; own run 0.85×)');
    expect(verdictRatio(0.996, 1)).toBe('0.996');
    expect(verdictRatio(0.99999, 1)).toBe('<1.0000');
    expect(verdictRatio(0.42, 0.8)).toBe('0.42');
    expect(verdictRatio(0.7999, 0.8)).toBe('0.7999');
    // A met target keeps two decimals, even when they round down to the goal.
    expect(verdictRatio(1, 1)).toBe('1.00');
    expect(verdictRatio(1.004, 1)).toBe('1.00');
  });

  it('keeps the rows’ ratio when a row has no pairs, and never pairs a cold target', () => {
    rows[2].paired = undefined;
    const checks = checkTargets(rows);
    expect(checks.find((c) => c.against === 'redis-uniform' && c.metric === 'rps')).toMatchObject({
      ratio: 0.85,
      met: false,
    });
    expect(checks.every((c) => c.paired === undefined)).toBe(true);
  });
});

describe('pairRowTargets', () => {
  function context(pairedRuns: number, side: () => Promise<PairSide | string>): BenchContext {
    const settings = { ...benchSettings(true), pairedRuns };
    return { settings, pairs: { side }, progress: () => undefined } as unknown as BenchContext;
  }

  it('notes a baseline whose front cannot run, and keeps the row as measured', async () => {
    const measured = row('sdk-grpc-uniform', 'ringcache', 9_000);
    const asked: string[] = [];
    const side = async () => (asked.push('side'), 'Redis not reachable');
    await pairRowTargets(context(3, side), measured, ROW);
    expect(asked).toEqual(['side']);
    expect(measured.paired).toBeUndefined();
    expect(measured.notes).toEqual(['no paired measure against redis-uniform: Redis not reachable']);
  });

  it('does not interleave a row whose answers are long against a turn, and says so', async () => {
    const side = jest.fn(async () => BASE);
    const batch = row('write-gateway-batchset', 'ringcache', 200);
    batch.load = { ...loadAt(200), latencyMs: { p50: 360, p99: 700, max: 900 } };
    await pairRowTargets(context(3, side), batch, ROW);
    expect(side).not.toHaveBeenCalled();
    expect(batch.paired).toBeUndefined();
    expect(batch.notes).toEqual([
      'not interleaved with write-gateway-set-ttl: its median answer (360 ms) is too long for turns of ' +
        '400 ms, so its targets are checked on the rows alone',
    ]);
  });

  it('measures nothing with no runs set, for an unmeasured row, or for a row without a warm-rate target', async () => {
    const side = jest.fn(async () => BASE);
    await pairRowTargets(context(0, side), row('sdk-grpc-uniform', 'ringcache', 9_000), ROW);
    await pairRowTargets(
      context(3, side),
      { ...row('sdk-grpc-uniform', 'ringcache', 0), status: 'failed' },
      ROW,
    );
    await pairRowTargets(context(3, side), row('gateway-grpc-tls-nearoff-uniform', 'ringcache', 9_000), ROW);
    expect(side).not.toHaveBeenCalled();
  });
});
