/** One request of the hung-node load: when it started (ms since the load began), how long it took, its status. */
export interface HungSample {
  startMs: number;
  latencyMs: number;
  /** HTTP status; 0 when there was no answer (a socket error or the client's timeout). */
  status: number;
}

/** The targets of issue 15: reads of the hung node's keys during its first second and after. */
export const HUNG_TARGETS = {
  /** peers.deadlineMs (3 s) + 1 s: the longest a read started in the first second may take. */
  firstSecondMaxMs: 4_000,
  /** The p99 of reads started from 1 s after the stop until the node is continued. */
  steadyP99Ms: 50,
} as const;

/** What one run measured, from its samples and when the node was stopped and continued. */
export interface HungFigures {
  /** Requests started while the node was stopped. */
  duringStop: number;
  /** Requests of the whole run without a 200. */
  errors: number;
  /** p99 of the requests that ended before the stop, for reference. */
  beforeP99Ms?: number;
  /** The longest request in flight at the stop or started in the first second after it. */
  firstSecondMaxMs?: number;
  /** p99 of the requests started from 1 s after the stop until the continue. */
  steadyP99Ms?: number;
  /** Undefined when the window had no request. */
  firstSecondMet?: boolean;
  steadyMet?: boolean;
}

/** The nearest-rank `p`-th percentile (0 < p ≤ 100) of `values`; undefined when there are none. */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Windows the samples by time — ended before `stopAt`; in flight at `stopAt` or started in
 * `[stopAt, stopAt + 1 s)`; started in `[stopAt + 1 s, contAt)` — and checks the two windows after the
 * stop against {@link HUNG_TARGETS}. The first-second window takes the requests in flight at the stop
 * because those are the ones the hung node holds: with closed loops, every loop may be waiting on it, so
 * that none starts a request in the first second at all.
 */
export function hungFigures(samples: HungSample[], stopAt: number, contAt: number): HungFigures {
  const latencies = (keep: (s: HungSample) => boolean) => samples.filter(keep).map((s) => s.latencyMs);
  const startedIn = (from: number, to: number) => (s: HungSample) => s.startMs >= from && s.startMs < to;
  const first = latencies((s) => s.startMs < stopAt + 1_000 && s.startMs + s.latencyMs > stopAt);
  const firstSecondMaxMs = first.length ? Math.max(...first) : undefined;
  const steadyP99Ms = percentile(latencies(startedIn(stopAt + 1_000, contAt)), 99);
  return {
    duringStop: latencies(startedIn(stopAt, contAt)).length,
    errors: samples.filter((s) => s.status !== 200).length,
    beforeP99Ms: percentile(
      latencies((s) => s.startMs + s.latencyMs <= stopAt),
      99,
    ),
    firstSecondMaxMs,
    steadyP99Ms,
    firstSecondMet:
      firstSecondMaxMs === undefined ? undefined : firstSecondMaxMs <= HUNG_TARGETS.firstSecondMaxMs,
    steadyMet: steadyP99Ms === undefined ? undefined : steadyP99Ms <= HUNG_TARGETS.steadyP99Ms,
  };
}
