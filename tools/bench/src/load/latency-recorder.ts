import type { Latency } from './load-spec';

/** Collects per-request latencies (ms) and answers exact percentiles; for sweeps and bursts. */
export class LatencyRecorder {
  private readonly samples: number[] = [];

  /** Adds one latency in ms. */
  add(ms: number): void {
    this.samples.push(ms);
  }

  /** p50, p99 and max, rounded to 0.01 ms; zeros when nothing was recorded. */
  summary(): Latency {
    if (this.samples.length === 0) return { p50: 0, p99: 0, max: 0 };
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    const round = (ms: number) => Math.round(ms * 100) / 100;
    return { p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1]) };
  }
}
