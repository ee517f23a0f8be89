import { datasetRows, freshPassFrom, STAMPEDE_KEYS } from '../data/keys';
import type { LoadResult } from '../load/load-spec';
import type { HttpRow } from '../scenarios/http-row';
import { withColdPasses } from '../scenarios/cold-passes';
import { coldFillTable } from './http-table';

function pass(rps: number, ok = 10_000): LoadResult {
  const latencyMs = { p50: 1, p99: 2, max: 3 };
  return {
    responses: ok,
    ok,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    statusCodes: {},
    durationSec: 1,
    rps,
    latencyMs,
    loadgenCpuPercent: 50,
    errorSamples: [],
  };
}

function row(id: string, kind: HttpRow['kind'], cold: number, fresh?: number): HttpRow {
  return {
    id,
    name: `${id}, 10,000 keys uniform`,
    kind,
    keys: 'uniform',
    status: 'measured',
    load: pass(20_000),
    coldFill: pass(cold),
    freshFill: fresh === undefined ? undefined : pass(fresh),
    notes: [],
  };
}

/** The cells of the table's row whose first cell starts with `front`. */
function cells(table: string, front: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`| ${front}`));
  if (!line) throw new Error(`no row ${front} in\n${table}`);
  return line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
}

describe('cold passes table', () => {
  const rows = [
    row('redis-uniform', 'baseline-redis', 8_000, 4_000),
    row('gateway-grpc-nearoff-uniform', 'ringcache', 6_000, 1_000),
    row('gateway-http-nearoff-uniform', 'ringcache', 4_000),
  ];
  const table = coldFillTable(rows);

  it('checks the cold target on the second pass, and prints the fresh pass beside it with its own ratio', () => {
    const [, keysPerSec, failed, coldRatio, target, fresh, freshRatio] = cells(table, 'gateway-grpc');
    expect([keysPerSec, failed, coldRatio, fresh, freshRatio]).toEqual([
      '6,000',
      '0',
      '0.75×',
      '1,000',
      '0.25×',
    ]);
    expect(target).toContain('≥ 1.00× (b) cold: ✗ 0.75×');
    expect(cells(table, 'redis-uniform').slice(5)).toEqual(['4,000', '1.00×']);
  });

  it('prints — for a front that has no fresh pass', () => {
    expect(cells(table, 'gateway-http').slice(5)).toEqual(['—', '—']);
  });
});

describe('data set layout', () => {
  it('puts the fresh pass past the rows’ and the stampedes’ keys, as many as the rows’', () => {
    expect(freshPassFrom(10_000)).toBe(10_000 + STAMPEDE_KEYS);
    expect(datasetRows(10_000)).toBe(20_000 + STAMPEDE_KEYS);
  });
});

describe('a row with its cold passes', () => {
  it('carries both passes, and notes a pass that missed keys before the scenario’s notes and the row’s', () => {
    const measured = { ...row('gateway-grpc-nearoff-uniform', 'ringcache', 0), notes: ['row note'] };
    const passes = { fresh: pass(2_000, 9_990), cold: pass(4_000) };
    const result = withColdPasses(measured, passes, 10_000, ['scenario note']);
    expect(result.freshFill).toBe(passes.fresh);
    expect(result.coldFill).toBe(passes.cold);
    expect(result.notes).toEqual([
      'fresh pass: only 9990 of 10000 keys answered 200',
      'scenario note',
      'row note',
    ]);
    expect(withColdPasses(measured, { fresh: pass(1), cold: pass(1, 5) }, 10_000).notes).toEqual([
      'cold pass: only 5 of 10000 keys answered 200',
      'row note',
    ]);
  });
});
