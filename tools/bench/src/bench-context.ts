import type { PinPlan } from './env/cpu-pinning';
import type { CoreSpeed } from './env/cpu-probe';
import type { PairSide } from './load/load-spec';

/** Sizes and durations of a run; `--quick` shrinks them for a smoke run (about ten minutes here). */
export interface BenchSettings {
  quick: boolean;
  /** Concurrent connections of every timed load. 64. */
  connections: number;
  /** Unmeasured warm-up before each timed row, s. */
  warmupSec: number;
  /** Measured part of each timed row, s. */
  durationSec: number;
  /**
   * Unmeasured writes a front takes before its first write row, s, per kind of write: a fresh process runs a
   * path it has not run before several times slower until V8 has optimized it, and a new cluster's write path
   * takes ~10,000 writes (~8 s here) to get there — longer than a row's warm-up.
   */
  writeWarmupSec: number;
  /**
   * Interleaved runs a row with a warm-rate target is measured in against its baseline, after its own run
   * (scenarios/paired.ts); the targets are checked on the runs' median. 3; 1 in `--quick`.
   */
  pairedRuns: number;
  /** Seconds of load each side of an interleaved run gets (the run lasts twice as long). */
  pairedRunSec: number;
  /** Distinct keys of the uniform rows (every one warmed first). 10,000. */
  keys: number;
  /** Concurrent requests of the cold stampede. 1,000. */
  stampede: number;
  /** The memory rows: a node's byte budget and the size of the values it is filled with. */
  memoryCases: MemoryCase[];
}

/** One memory row's budget and value size. */
export interface MemoryCase {
  budgetBytes: number;
  valueBytes: number;
}

/** Settings of a full run (`quick` false) or of `--quick`. */
export function benchSettings(quick: boolean): BenchSettings {
  return {
    quick,
    connections: 64,
    warmupSec: quick ? 1 : 3,
    durationSec: quick ? 2 : 10,
    writeWarmupSec: quick ? 3 : 10,
    pairedRuns: quick ? 1 : 3,
    pairedRunSec: quick ? 1 : 4,
    keys: 10_000,
    stampede: 1_000,
    // Budgets operators run with, values small and large; the quick run keeps one small case.
    memoryCases: quick
      ? [{ budgetBytes: 64 * 2 ** 20, valueBytes: 1_024 }]
      : [256, 1_024].flatMap((mib) =>
          [1_024, 16_384].map((valueBytes) => ({ budgetBytes: mib * 2 ** 20, valueBytes })),
        ),
  };
}

/** What every scenario is handed. */
export interface BenchContext {
  settings: BenchSettings;
  pins: PinPlan;
  /** A temp folder of this run: datasets, load specs and results; removed at the end. */
  workDir: string;
  /** SQLite file with `datasetRows(keys)` rows (data/keys.ts), filled before any scenario. */
  sqlitePath: string;
  /** Prints a progress line (to stderr, so stdout keeps only the tables). */
  progress(message: string): void;
  /** The server core's speed through the run: probed around every measured row. */
  coreSpeed: CoreSpeed;
  /** The baselines' fronts for paired measures, kept running from their first use to the run's end. */
  pairs: PairBaselineSource;
}

/** Where a paired measure finds a baseline's front (scenarios/pair-baselines.ts). */
export interface PairBaselineSource {
  /** The front and load of baseline row `id`, started and warmed on first use; or why there is none. */
  side(id: string): Promise<PairSide | string>;
}
