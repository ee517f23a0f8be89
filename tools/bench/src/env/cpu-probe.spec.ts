import { CoreSpeed, cpuProbeMs, noteSlowMachine, type ProbedRow } from './cpu-probe';

/** A probe giving `first`, then 30 ms for ever. */
const sequence =
  (...first: number[]) =>
  () =>
    first.shift() ?? 30;

describe('CPU probe', () => {
  it('times its fixed work in milliseconds', () => {
    const ms = cpuProbeMs();
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(10_000);
  });

  it('notes the rows whose slower probe took over 1.15× the fastest of the run, and returns the range', () => {
    const rows: ProbedRow[] = [
      { cpuProbeMs: [10, 10.5], notes: [] },
      { cpuProbeMs: [11, 11.4], notes: [] },
      { cpuProbeMs: [10.2, 13], notes: ['earlier'] },
      { notes: [] },
    ];
    expect(noteSlowMachine(rows)).toEqual({ fastestMs: 10, slowestMs: 13 });
    expect(rows.map((row) => row.notes)).toEqual([
      [],
      [],
      [
        'earlier',
        'CPU probe 1.30× its fastest in this run: the server core ran slower around this row; rerun before trusting its ratios',
      ],
      [],
    ]);
  });

  it('waits, a second at a time, for the core to run within 1.15× its fastest probe so far', async () => {
    const probes = [10, 20, 20, 11.4, 12, 11];
    const slept: number[] = [];
    const speed = new CoreSpeed(
      30_000,
      () => probes.shift() as number,
      async (ms) => void slept.push(ms),
    );
    expect(speed.measure()).toBe(10);
    await expect(speed.steady()).resolves.toEqual({ probeMs: 11.4, waitedMs: 2_000 });
    expect(slept).toEqual([1_000, 1_000]);
    await expect(speed.steady()).resolves.toEqual({ probeMs: 11, waitedMs: 1_000 });
  });

  it('measures anyway once it has waited its longest, and at once when it may not wait', async () => {
    const patient = new CoreSpeed(2_000, sequence(10), async () => undefined);
    patient.measure();
    await expect(patient.steady()).resolves.toEqual({ probeMs: 30, waitedMs: 2_000 });
    const hurried = new CoreSpeed(0, sequence(10), async () => undefined);
    hurried.measure();
    await expect(hurried.steady()).resolves.toEqual({ probeMs: 30, waitedMs: 0 });
  });

  it('has no range when no row was probed', () => {
    expect(noteSlowMachine([{ notes: [] }])).toBeUndefined();
  });
});
