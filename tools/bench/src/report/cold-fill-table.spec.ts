import { datasetRows, freshPassFrom, MAX_WARMING_PASSES, STAMPEDE_KEYS } from '../data/keys';
import type { HttpRow } from '../scenarios/http-row';
import { withColdPasses } from '../scenarios/cold-passes';
import { loadAt } from '../testing/load-result.fixtures';
import { coldFillTable } from './http-table';

/** A pass over the 10,000 keys at `rps`, `ok` of them answered 200. */
const pass = (rps: number, ok = 10_000) => loadAt(rps, ok);

function row(id: string, kind: HttpRow['kind'], cold: number, fresh?: number, warming?: number): HttpRow {
  return {
    id,
    name: `${id}, 10,000 keys uniform`,
    kind,
    keys: 'uniform',
    status: 'measured',
    load: pass(20_000),
    coldFill: pass(cold),
    freshFill: fresh === undefined ? undefined : pass(fresh),
    warmingPasses: warming,
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
    row('redis-uniform', 'baseline-redis', 8_000, 4_000, 3),
    row('gateway-grpc-nearoff-uniform', 'ringcache', 6_000, 1_000, 5),
    row('gateway-http-nearoff-uniform', 'ringcache', 4_000),
  ];
  const table = coldFillTable(rows);

  it('checks the cold target on the cold pass, and prints the warming passes and the first one’s ratio', () => {
    const [, keysPerSec, failed, coldRatio, target, warming, fresh, freshRatio, generator] = cells(
      table,
      'gateway-grpc',
    );
    expect([keysPerSec, failed, coldRatio, warming, fresh, freshRatio, generator]).toEqual([
      '6,000',
      '0',
      '0.75×',
      '5',
      '1,000',
      '0.25×',
      '50%',
    ]);
    expect(target).toContain('≥ 1.00× (b) cold: ✗ 0.75×');
    expect(cells(table, 'redis-uniform').slice(5)).toEqual(['3', '4,000', '1.00×', '50%']);
  });

  it('prints — for a front that has no warming pass', () => {
    expect(cells(table, 'gateway-http').slice(5)).toEqual(['—', '—', '—', '50%']);
  });
});

describe('data set layout', () => {
  it('puts the warming passes past the rows’ and the stampedes’ keys, each as many as the rows’', () => {
    expect(freshPassFrom(10_000)).toBe(10_000 + STAMPEDE_KEYS);
    expect(datasetRows(10_000)).toBe(10_000 + STAMPEDE_KEYS + MAX_WARMING_PASSES * 10_000);
  });
});

describe('a row with its cold passes', () => {
  it('carries the first warming pass, their count and the cold pass, and notes a pass that missed keys first', () => {
    const measured = { ...row('gateway-grpc-nearoff-uniform', 'ringcache', 0), notes: ['row note'] };
    const passes = { warming: [pass(2_000, 9_990), pass(3_000), pass(3_100, 9_999)], cold: pass(4_000) };
    const result = withColdPasses(measured, passes, 10_000, ['scenario note']);
    expect(result.freshFill).toBe(passes.warming[0]);
    expect(result.warmingPasses).toBe(3);
    expect(result.coldFill).toBe(passes.cold);
    expect(result.notes).toEqual([
      'warming pass 1: only 9990 of 10000 keys answered 200',
      'warming pass 3: only 9999 of 10000 keys answered 200',
      'scenario note',
      'row note',
    ]);
    expect(withColdPasses(measured, { warming: [pass(1)], cold: pass(1, 5) }, 10_000).notes).toEqual([
      'cold pass: only 5 of 10000 keys answered 200',
      'row note',
    ]);
  });
});
