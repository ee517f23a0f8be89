import type { PinPlan } from './env/cpu-pinning';

/** Sizes and durations of a run; `--quick` shrinks them for a smoke run of about a minute. */
export interface BenchSettings {
  quick: boolean;
  /** Concurrent connections of every timed load. 64. */
  connections: number;
  /** Unmeasured warm-up before each timed row, s. */
  warmupSec: number;
  /** Measured part of each timed row, s. */
  durationSec: number;
  /** Distinct keys of the uniform rows (every one warmed first). 10,000. */
  keys: number;
  /** Concurrent requests of the cold stampede. 1,000. */
  stampede: number;
  /** Byte budget of the memory row's node. */
  memoryBudgetBytes: number;
  /** Keys the memory row requests: more than fit in the budget. */
  memoryKeys: number;
}

/** Settings of a full run (`quick` false) or of `--quick`. */
export function benchSettings(quick: boolean): BenchSettings {
  return {
    quick,
    connections: 64,
    warmupSec: quick ? 1 : 3,
    durationSec: quick ? 2 : 10,
    keys: 10_000,
    stampede: 1_000,
    // 32 MiB rather than 64: the fill runs at the cold-path rate (~1–1.5k keys/s on 2 cores), and 96,000
    // keys would take half of the run's 5-minute budget. The ratio to the budget is what is compared.
    memoryBudgetBytes: (quick ? 8 : 32) * 2 ** 20,
    // 1.5× what the budget holds at ~1 KiB an entry: the cache must evict.
    memoryKeys: quick ? 12_000 : 48_000,
  };
}

/** What every scenario is handed. */
export interface BenchContext {
  settings: BenchSettings;
  pins: PinPlan;
  /** A temp folder of this run: datasets, load specs and results; removed at the end. */
  workDir: string;
  /** SQLite file with `max(keys, memoryKeys) + stampede rows` rows, filled before any scenario. */
  sqlitePath: string;
  /** Prints a progress line (to stderr, so stdout keeps only the tables). */
  progress(message: string): void;
}
