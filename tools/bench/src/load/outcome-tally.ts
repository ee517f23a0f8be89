import type { GetOutcome } from './http-get';
import { LatencyRecorder } from './latency-recorder';
import type { LoadResult } from './load-spec';

/** Adds up {@link GetOutcome}s into a {@link LoadResult}. */
export class OutcomeTally {
  private readonly statusCodes: Record<string, number> = {};
  private readonly latency = new LatencyRecorder();
  private readonly errorSamples: string[] = [];
  private responses = 0;
  private ok = 0;
  private errors = 0;
  private timeouts = 0;

  /** Counts one outcome. */
  add(outcome: GetOutcome): void {
    this.latency.add(outcome.ms);
    if ('error' in outcome) {
      this.errors++;
      if (/timeout/i.test(outcome.error)) this.timeouts++;
      if (this.errorSamples.length < 5) this.errorSamples.push(outcome.error);
      return;
    }
    this.responses++;
    if (outcome.status >= 200 && outcome.status < 300) this.ok++;
    this.statusCodes[outcome.status] = (this.statusCodes[outcome.status] ?? 0) + 1;
  }

  /** The totals, for a measured part of `durationSec` that used `cpuPercent` of a core. */
  result(durationSec: number, cpuPercent: number): LoadResult {
    return {
      responses: this.responses,
      ok: this.ok,
      non2xx: this.responses - this.ok,
      errors: this.errors,
      timeouts: this.timeouts,
      statusCodes: this.statusCodes,
      durationSec,
      rps: durationSec > 0 ? this.responses / durationSec : 0,
      latencyMs: this.latency.summary(),
      loadgenCpuPercent: cpuPercent,
      errorSamples: this.errorSamples,
    };
  }
}
