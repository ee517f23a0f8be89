/** What the probe parses: ~0.5 MB of JSON objects, strings and numbers, as a server handles. */
const PROBE_TEXT = JSON.stringify(
  Array.from({ length: 4_000 }, (_, i) => ({
    key: `k${i}`,
    value: 'v'.repeat(64),
    n: i * 1.5,
    ok: i % 2 === 0,
  })),
);

/** A probe slower than this many times the run's fastest marks its row: the machine was slow then. */
export const SLOW_PROBE_RATIO = 1.15;

/**
 * CPU milliseconds one fixed piece of work takes on this process's core now: parsing PROBE_TEXT 10 times,
 * the fastest of 3 tries. CPU time, not wall time, so other processes taking turns on the core do not
 * count: what it shows is how fast the core itself runs at the moment. On a shared host that can halve for
 * seconds or minutes at a time (another tenant on its sibling thread, say) with nothing inside this machine
 * busy, which no counter here shows; a row measured then is comparable to no other.
 */
export function cpuProbeMs(): number {
  let best = Infinity;
  for (let attempt = 0; attempt < 3; attempt++) {
    const start = process.cpuUsage();
    for (let i = 0; i < 10; i++) JSON.parse(PROBE_TEXT);
    const { user, system } = process.cpuUsage(start);
    best = Math.min(best, (user + system) / 1000);
  }
  return Math.round(best * 100) / 100;
}

/**
 * The speed of the core the bench process runs on (the server core), through the run: remembers the
 * fastest probe so far, and before a measured part waits, up to `maxWaitMs`, for the core to run within
 * SLOW_PROBE_RATIO of it again — so rows are measured, as far as the host allows, on the same machine.
 */
export class CoreSpeed {
  private fastest = Infinity;

  constructor(
    private readonly maxWaitMs: number,
    private readonly probe: () => number = cpuProbeMs,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** One probe, remembered. */
  measure(): number {
    const ms = this.probe();
    this.fastest = Math.min(this.fastest, ms);
    return ms;
  }

  /** Probes until the core is within SLOW_PROBE_RATIO of its fastest, every second up to maxWaitMs. */
  async steady(): Promise<{ probeMs: number; waitedMs: number }> {
    let waitedMs = 0;
    let probeMs = this.measure();
    while (probeMs > SLOW_PROBE_RATIO * this.fastest && waitedMs < this.maxWaitMs) {
      await this.sleep(1_000);
      waitedMs += 1_000;
      probeMs = this.measure();
    }
    return { probeMs, waitedMs };
  }
}

/** A row with the probes taken around its measured part. */
export interface ProbedRow {
  /** The probe just before and just after the measured part, CPU ms. */
  cpuProbeMs?: [number, number];
  notes: string[];
}

/**
 * Notes each row whose slower probe took over SLOW_PROBE_RATIO × the fastest probe of the run: its rates
 * were measured on a slower machine than the rows they are compared with. Returns the run's fastest and
 * slowest probe (ms), or undefined when no row was probed.
 */
export function noteSlowMachine(rows: ProbedRow[]): { fastestMs: number; slowestMs: number } | undefined {
  const probes = rows.flatMap((row) => row.cpuProbeMs ?? []);
  if (probes.length === 0) return undefined;
  const fastest = Math.min(...probes);
  for (const row of rows) {
    if (!row.cpuProbeMs) continue;
    const ratio = Math.max(...row.cpuProbeMs) / fastest;
    if (ratio > SLOW_PROBE_RATIO) {
      row.notes.push(
        `CPU probe ${ratio.toFixed(2)}× its fastest in this run: the server core ran slower around ` +
          'this row; rerun before trusting its ratios',
      );
    }
  }
  return { fastestMs: fastest, slowestMs: Math.max(...probes) };
}
