import { checkHistory, quantile, type CheckOptions, type CheckReport } from './checker';
import type { Operation } from './operation';

/** A tiny history builder: operations with explicit times. */
function history() {
  const ops: Operation[] = [];
  const add = (op: Omit<Operation, 'id' | 'ok'> & { ok?: boolean }): Operation => {
    const full: Operation = { ok: true, ...op, id: ops.length + 1 };
    ops.push(full);
    return full;
  };
  return {
    ops,
    set: (entry: string, key: string, written: string, start: number, end: number, ok = true) =>
      add({ entry, kind: 'set', key, written, start, end, ok }),
    del: (entry: string, key: string, start: number, end: number, ok = true, completes?: number) =>
      add({ entry, kind: 'delete', key, start, end, ok, completes }),
    update: (entry: string, key: string, written: string, start: number, end: number, ok = true) =>
      add({ entry, kind: 'db-update', key, written, start, end, ok }),
    get: (entry: string, key: string, value: string | null, start: number, end: number) =>
      add({ entry, kind: 'get', key, value, start, end }),
    fail: (entry: string, key: string, start: number, end: number) =>
      add({ entry, kind: 'get', key, start, end, ok: false, error: '503 unavailable' }),
  };
}

const OPTIONS: CheckOptions = { tableKeys: new Map([['t1', 'init:t1$']]), windows: [], deadlineMs: 3_000 };

function failed(report: CheckReport): string[] {
  return report.checks.filter((c) => !c.passed).map((c) => c.name.split(' ')[0]);
}

describe('checkHistory', () => {
  it('passes a clean history with concurrent writes, a failed write, evictions and loads', () => {
    const h = history();
    h.set('gateway1', 'p1', 'a', 0, 10);
    h.get('gateway2', 'p1', 'a', 20, 25);
    // Two overlapping writes: either value may be read after both returned.
    h.set('gateway1', 'p1', 'b', 30, 50);
    h.set('sdk', 'p1', 'c', 35, 45);
    h.get('gateway1', 'p1', 'b', 60, 61);
    h.get('gateway2', 'p1', 'c', 62, 63);
    // A read overlapping a write may return either side.
    h.set('gateway2', 'p1', 'd', 70, 80);
    h.get('sdk', 'p1', 'c', 75, 76);
    h.get('sdk', 'p1', 'd', 78, 79);
    // A failed write may take effect at any time later, even after a newer one.
    h.set('sdk', 'p1', 'lost?', 90, 95, false);
    h.set('gateway1', 'p1', 'e', 100, 110);
    h.get('gateway1', 'p1', 'lost?', 120, 121);
    // A cache may forget a plain key: not found is always loadable.
    h.get('gateway2', 'p1', null, 130, 131);
    // Cache-aside on a table-backed key: the row's first value, then the update once its delete returned.
    h.get('gateway1', 't1', 'init:t1$', 0, 5);
    const u = h.update('gateway2', 't1', 'u1', 10, 12);
    h.get('sdk', 't1', 'init:t1$', 13, 14);
    h.del('gateway2', 't1', 15, 20, true, u.id);
    h.get('gateway1', 't1', 'u1', 25, 26);
    // Slow but within 4 s; an error inside a fault window.
    h.get('sdk', 'p2', null, 200, 4_100);
    h.fail('gateway1', 'p2', 5_000, 5_010);
    const windows = [
      { name: 'node-stop', start: 85, end: 96 },
      { name: 'node-kill', start: 4_990, end: 6_000 },
    ];
    const report = checkHistory(h.ops, { ...OPTIONS, windows });
    expect(failed(report)).toEqual([]);
    expect(report).toMatchObject({ operations: 20, errorsInside: 2, errorsOutside: 0, longestMs: 3_900 });
    expect(report.staleness).toMatchObject({ max: 0, staleReads: 0 });
  });

  it('catches a read through the same entry point older than a write it made (rule a)', () => {
    const h = history();
    h.set('gateway1', 'p1', 'a', 0, 10);
    h.set('gateway1', 'p1', 'b', 20, 30);
    h.get('gateway1', 'p1', 'a', 31, 32);
    const report = checkHistory(h.ops, OPTIONS);
    expect(failed(report)).toEqual(['read-your-writes']);
    expect(report.checks[0].examples[0]).toMatch(/#3 gateway1 get p1 → "a" .* 1 ms after write #2/);
  });

  it('catches a deleted value read through the same entry point (rule a)', () => {
    const h = history();
    h.set('sdk', 'p1', 'a', 0, 10);
    h.del('sdk', 'p1', 20, 30);
    h.get('sdk', 'p1', 'a', 40, 41);
    expect(failed(checkHistory(h.ops, OPTIONS))).toEqual(['read-your-writes']);
  });

  it('tolerates another entry point lagging under the bound, and measures the lag per write (rule b)', () => {
    const h = history();
    h.set('gateway1', 'p1', 'a', 0, 10);
    h.set('gateway1', 'p1', 'b', 20, 30);
    h.get('gateway2', 'p1', 'a', 130, 131);
    h.get('sdk', 'p1', 'a', 530, 531);
    const report = checkHistory(h.ops, OPTIONS);
    expect(failed(report)).toEqual([]);
    expect(report.staleness).toEqual({ p50: 0, p99: 500, max: 500, staleReads: 2, writes: 2 });
  });

  it('catches another entry point serving an old value past the bound (rule b)', () => {
    const h = history();
    h.set('gateway1', 'p1', 'a', 0, 10);
    h.del('gateway1', 'p1', 20, 30);
    h.get('gateway2', 'p1', 'a', 1_100, 1_101);
    const report = checkHistory(h.ops, OPTIONS);
    expect(failed(report)).toEqual(['bounded']);
    expect(report.staleness.max).toBe(1_070);
  });

  it('catches a node back on the rings after its lease lapsed serving a key deleted meanwhile (chaos seed 7)', () => {
    // node2 was SIGSTOPped past its lease; the delete went to the owner standing in for it. Once node2 was
    // back on the rings it served the value it still held, for ~5 s, through both gateways.
    const h = history();
    h.set('sdk', 'p9', 'sdk-2:15:p9$', 30_100, 30_110);
    h.del('sdk', 'p9', 32_690, 32_701);
    h.get('gateway1', 'p9', null, 33_000, 33_002);
    h.get('gateway1', 'p9', 'sdk-2:15:p9$', 37_642, 37_691);
    h.get('gateway2', 'p9', 'sdk-2:15:p9$', 37_904, 37_906);
    h.get('sdk', 'p9', 'sdk-2:15:p9$', 38_000, 38_001);
    const report = checkHistory(h.ops, OPTIONS);
    expect(failed(report)).toEqual(['read-your-writes', 'bounded']);
    expect(report.checks[0].violations).toBe(1);
    expect(report.staleness).toMatchObject({ max: 5_299, staleReads: 3 });
  });

  it('catches a former owner, answering for a hung owner, serving a row older than a returned write (chaos seed 42)', () => {
    // node2 owned t174 while node1 was down and kept it when node1 came back; node1's writes never reached
    // it. When node1 hung two minutes later, the gateways fell back to node2, which served the first row.
    const h = history();
    h.get('gateway1', 't174', 'init:t174$', 91_000, 91_010);
    const u = h.update('gateway1', 't174', 'gateway1-0:134:t174$', 112_500, 112_550);
    h.del('gateway1', 't174', 112_560, 112_584, true, u.id);
    h.get('gateway2', 't174', 'gateway1-0:134:t174$', 150_000, 150_002);
    h.get('gateway1', 't174', 'init:t174$', 237_079, 237_105);
    const report = checkHistory(h.ops, { ...OPTIONS, tableKeys: new Map([['t174', 'init:t174$']]) });
    expect(failed(report)).toEqual(['read-your-writes', 'bounded']);
    expect(report.staleness.max).toBe(124_495);
  });

  it('catches a table-backed key served its old row after the cache-aside delete returned (rule b)', () => {
    const h = history();
    const u = h.update('gateway1', 't1', 'u1', 0, 5);
    h.del('gateway1', 't1', 6, 10, true, u.id);
    h.get('gateway2', 't1', 'init:t1$', 2_000, 2_001);
    expect(failed(checkHistory(h.ops, OPTIONS))).toEqual(['bounded']);
  });

  it('catches a value never written, one cut short, one read before its write, and not found on a row (rule c)', () => {
    const h = history();
    h.set('gateway1', 'p1', 'k:gateway1:12$', 0, 10);
    h.get('gateway1', 'p1', 'k:gateway1:12', 20, 21);
    h.get('gateway1', 'p1', 'never', 22, 23);
    h.get('sdk', 'p2', 'later', 24, 25);
    h.set('sdk', 'p2', 'later', 26, 30);
    h.get('gateway2', 't1', null, 40, 41);
    h.get('gateway2', 'p1', 'init:t1$', 42, 43);
    const report = checkHistory(h.ops, OPTIONS);
    expect(failed(report)).toEqual(['values']);
    expect(report.checks[2].violations).toBe(5);
  });

  it('catches a request longer than the deadline + 1 s, failed or not (rule d)', () => {
    const h = history();
    h.get('gateway1', 'p1', null, 0, 4_001);
    h.update('gateway1', 't1', 'u1', 0, 9_000);
    const report = checkHistory(h.ops, OPTIONS);
    expect(failed(report)).toEqual(['requests']);
    expect(report.longestMs).toBe(4_001);
  });

  it('catches errors outside every fault window, and counts those inside (rule e)', () => {
    const h = history();
    h.fail('gateway1', 'p1', 100, 110);
    h.fail('sdk', 'p1', 990, 1_010);
    h.fail('sdk', 'p1', 2_000, 2_010);
    const report = checkHistory(h.ops, { ...OPTIONS, windows: [{ name: 'stop', start: 1_000, end: 1_500 }] });
    expect(failed(report)).toEqual(['errors']);
    expect(report).toMatchObject({ errorsInside: 1, errorsOutside: 2 });
  });
});

describe('quantile', () => {
  it('takes the nearest rank', () => {
    expect(quantile([], 0.5)).toBe(0);
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(
      quantile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.99,
      ),
    ).toBe(99);
  });
});
