import { after, leastSquares, upperEnvelope, type Point } from './trend';

/** What a series measures. */
export type SeriesKind =
  'rss' | 'heap-used' | 'external' | 'fds' | 'sockets' | 'etcd-keys' | 'etcd-leases' | 'cache-bytes';

/** One sampled quantity of one process (or of etcd as a whole) over the run. */
export interface Series {
  /** The process it belongs to (`node1`, `gateway`, `etcd`, …). */
  process: string;
  kind: SeriesKind;
  points: Point[];
  /**
   * The cache budget of the process in bytes: Σ maxBytes of a node's groups, a gateway's or SDK's near cache.
   * 0 or absent: the process holds no cache.
   */
  budgetBytes?: number;
  /** Reported without a verdict (memory of the soak process itself, which also runs the load). Default false. */
  reportOnly?: boolean;
}

/** The kinds of series that must stay flat. */
export type FlatKind = 'fds' | 'sockets' | 'etcd-keys' | 'etcd-leases';

/** A tolerance of a flat series: the larger of an absolute amount and a share of the series' level. */
export interface Tolerance {
  absolute: number;
  relative: number;
}

/**
 * How far the fitted line of a series that must stay flat may move over the judged window, either way. The
 * absolute floors are the jitter of a steady process (a keep-alive socket closed and reopened, a pooled
 * database connection, a lease granted a tick before the last one is revoked); the relative shares cover
 * counts that follow the load's randomness (delay-queue keys are writes with a TTL in flight). A leak of one
 * descriptor a minute moves the line by 30 over a 30-minute soak: caught.
 */
export const FLAT_TOLERANCE: Record<FlatKind, Tolerance> = {
  fds: { absolute: 4, relative: 0.05 },
  sockets: { absolute: 4, relative: 0.05 },
  'etcd-keys': { absolute: 16, relative: 0.1 },
  'etcd-leases': { absolute: 4, relative: 0.1 },
};

/**
 * The project's memory rule (tools/bench memory scenario, README "Sizing a node's memory"): a process's RSS
 * grows by at most 1.5× its cache budget. Judged here on the growth after warm-up, once the caches are full.
 */
export const RSS_GROWTH_PER_BUDGET = 1.5;

/**
 * A process that holds no cache (ttl-worker, etcd) has no budget to grow into: its RSS must not grow by more
 * than the larger of 8 MiB (a V8 or Go heap settling on its working size) and 5 % of its level.
 */
export const NO_CACHE_RSS_TOLERANCE: Tolerance = { absolute: 8 * 2 ** 20, relative: 0.05 };

/**
 * Memory settles later than the rest: V8's and Go's heaps grow to their working size over the first minutes
 * under load (a 30-minute soak saw the nodes' RSS rise until about the fourth minute, then stay level or fall),
 * while descriptors, sockets and etcd's counts settle as soon as the caches are full. RSS is judged only on
 * samples from this many seconds on; a shorter run reports it without a verdict.
 */
export const MEMORY_SETTLE_S = 300;

/**
 * RSS is judged on its peaks: the judged window is cut into this many equal spans and the line goes through
 * the highest sample of each. A V8 heap swings by tens of MiB between major collections (a gateway's RSS
 * went between 168 and 235 MiB in a 30-minute soak, its heap used between 35 and 115 MiB), and a line
 * through every sample of such a sawtooth moves by up to half its height depending only on where the run
 * cuts a cycle. Peaks that keep rising are what a leak — and a container's memory limit — sees.
 */
export const RSS_PEAK_WINDOWS = 5;

/** Fewest samples after warm-up a trend is judged on. */
export const MIN_JUDGED_POINTS = 3;

/** What a series did and whether it kept its rule. */
export interface Judgement {
  process: string;
  kind: SeriesKind;
  /** The process's cache budget in bytes (0: none). */
  budgetBytes: number;
  start: number;
  end: number;
  max: number;
  /** Slope of the least-squares line over the samples after warm-up (RSS: over their peaks), per hour. */
  slopePerHour?: number;
  /** How far that line moved over the judged window (slope × its length). */
  change?: number;
  /** The bound the rule sets (on |change|, on change, or on max for cache bytes); absent for info series. */
  limit?: number;
  verdict: 'pass' | 'fail' | 'info';
  /** The rule, or why it failed. */
  rule: string;
}

/** The larger of a tolerance's absolute amount and its share of `level`. */
export function toleranceAt(tolerance: Tolerance, level: number): number {
  return Math.max(tolerance.absolute, tolerance.relative * Math.abs(level));
}

/**
 * Judges one series on its samples from `warmUpEndT` (seconds) on, RSS from `memoryFromT` on (default: the
 * same).
 */
export function judge(series: Series, warmUpEndT: number, memoryFromT = warmUpEndT): Judgement {
  const values = series.points.map((p) => p.v);
  const base = {
    process: series.process,
    kind: series.kind,
    budgetBytes: series.budgetBytes ?? 0,
    start: values[0] ?? NaN,
    end: values[values.length - 1] ?? NaN,
    max: values.length ? Math.max(...values) : NaN,
  };
  if (series.kind === 'cache-bytes') {
    const limit = series.budgetBytes ?? 0;
    const ok = base.max <= limit;
    return { ...base, limit, verdict: ok ? 'pass' : 'fail', rule: ok ? 'max ≤ budget' : 'over its budget' };
  }
  const judged = after(series.points, series.kind === 'rss' ? Math.max(warmUpEndT, memoryFromT) : warmUpEndT);
  const fitted = series.kind === 'rss' ? upperEnvelope(judged, RSS_PEAK_WINDOWS) : judged;
  const fit = fitted.length >= MIN_JUDGED_POINTS ? leastSquares(fitted) : undefined;
  if (!fit && series.kind === 'rss' && memoryFromT > warmUpEndT) {
    const rule = `not judged: the run ends before memory settles (${memoryFromT} s)`;
    return { ...base, verdict: 'info', rule };
  }
  if (!fit) {
    const rule = `fewer than ${MIN_JUDGED_POINTS} samples after warm-up`;
    return { ...base, verdict: isInfo(series) ? 'info' : 'fail', rule };
  }
  const change = fit.slope * (judged[judged.length - 1].t - judged[0].t);
  const level = judged.reduce((sum, p) => sum + p.v, 0) / judged.length;
  const trend = { ...base, slopePerHour: fit.slope * 3_600, change };
  if (isInfo(series)) return { ...trend, verdict: 'info', rule: 'reported' };
  if (series.kind === 'rss' && (series.budgetBytes ?? 0) > 0) {
    const limit = RSS_GROWTH_PER_BUDGET * (series.budgetBytes as number);
    const ok = change <= limit;
    return {
      ...trend,
      limit,
      verdict: ok ? 'pass' : 'fail',
      rule: `growth ≤ ${RSS_GROWTH_PER_BUDGET}× budget`,
    };
  }
  if (series.kind === 'rss') {
    const limit = toleranceAt(NO_CACHE_RSS_TOLERANCE, level);
    const ok = change <= limit;
    return { ...trend, limit, verdict: ok ? 'pass' : 'fail', rule: ok ? 'no growth' : 'grows' };
  }
  const limit = toleranceAt(FLAT_TOLERANCE[series.kind as FlatKind], level);
  const ok = Math.abs(change) <= limit;
  return { ...trend, limit, verdict: ok ? 'pass' : 'fail', rule: ok ? 'flat' : 'not flat' };
}

/** Heap and external memory are reported, as is any series marked report-only. */
function isInfo(series: Series): boolean {
  return series.reportOnly === true || series.kind === 'heap-used' || series.kind === 'external';
}

/**
 * When the steady state begins: after `share` of the run, and not before every cache is full (the first
 * sample at which every node had evicted) plus `settleS`, the longest TTL: the delay queue holds a key (and
 * its second's lease) for an entry's TTL, so its counts settle one TTL after the flow of writes and loads
 * does. Undefined when the caches never filled.
 */
export function warmUpEnd(
  durationS: number,
  cachesFullAtT: number | undefined,
  share = 0.2,
  settleS = 0,
): number | undefined {
  if (cachesFullAtT === undefined) return undefined;
  return Math.max(share * durationS, cachesFullAtT + settleS);
}
