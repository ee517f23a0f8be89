/** Result of one measured case. */
export interface Rate {
  /** Operations per second, median of the rounds. */
  opsPerSec: number;
  /** Every round's rate, for the JSON record. */
  rounds: number[];
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Rounds measured after one warm-up round. Default 5. */
  rounds?: number;
  /** Minimum length of a round in ms. Default 300. */
  roundMs?: number;
}

/**
 * Runs `batch` (which performs `opsPerBatch` operations) repeatedly in rounds of at least `roundMs`, and
 * returns the median rate. The first round warms the JIT and is discarded.
 */
export function measure(batch: () => void, opsPerBatch: number, options: MeasureOptions = {}): Rate {
  const rounds = options.rounds ?? 5;
  const roundMs = options.roundMs ?? 300;
  const rates: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    let ops = 0;
    const start = process.hrtime.bigint();
    let elapsedNs = 0;
    do {
      batch();
      ops += opsPerBatch;
      elapsedNs = Number(process.hrtime.bigint() - start);
    } while (elapsedNs < roundMs * 1e6);
    if (r > 0) rates.push((ops / elapsedNs) * 1e9);
  }
  return { opsPerSec: median(rates), rounds: rates };
}

/** Same as {@link measure} for asynchronous batches. */
export async function measureAsync(
  batch: () => Promise<void>,
  opsPerBatch: number,
  options: MeasureOptions = {},
): Promise<Rate> {
  const rounds = options.rounds ?? 5;
  const roundMs = options.roundMs ?? 300;
  const rates: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    let ops = 0;
    const start = process.hrtime.bigint();
    let elapsedNs = 0;
    do {
      await batch();
      ops += opsPerBatch;
      elapsedNs = Number(process.hrtime.bigint() - start);
    } while (elapsedNs < roundMs * 1e6);
    if (r > 0) rates.push((ops / elapsedNs) * 1e9);
  }
  return { opsPerSec: median(rates), rounds: rates };
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Formats a rate as e.g. `12.3 M/s` or `45.6 k/s`. */
export function formatRate(opsPerSec: number): string {
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(2)} M/s`;
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(1)} k/s`;
  return `${opsPerSec.toFixed(0)} /s`;
}

/** A Markdown table. */
export function markdownTable(header: string[], rows: string[][]): string {
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}
