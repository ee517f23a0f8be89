import type { HttpRow } from '../scenarios/http-row';
import type { PairedRatio } from '../scenarios/paired';

/**
 * What a target (or a ratio column) compares: the row's warm rate, the rate of its cold pass, or that of its
 * first pass on fresh processes (no target; printed beside the cold one).
 */
export type TargetMetric = 'rps' | 'coldFill' | 'freshFill';

/** A goal from the issues: reported next to the measured ratio, never asserted. */
export interface Target {
  /** The ringcache rows it applies to, by id. */
  rows: RegExp;
  metric: TargetMetric;
  /** Id of the baseline row the ratio is taken against. */
  against: string;
  /** The ratio to reach. */
  goal: number;
  /** A stretch goal beyond the target, reported as such. */
  moonshot?: boolean;
}

/** How a baseline row is named in the target column. */
const BASELINE_LABEL: Record<string, string> = {
  'bare-http': '(a)',
  'redis-hot': '(b)',
  'redis-uniform': '(b)',
  'groupcache-hot': '(c)',
  'groupcache-uniform': '(c)',
  'redis-set-ttl': '(b) SET',
  'redis-del': '(b) DEL',
  'write-gateway-set-ttl': 'single PUT',
  'write-gateway-http-set-ttl': 'single PUT',
};

/**
 * The targets: with the near cache off, and through the SDK without one, the hop itself must keep up with a
 * Redis cache-aside front; the SDK's near cache must come close to bare node:http on a hot key; the cold
 * pass (on warmed processes, see cold-passes.ts) must keep up with the Redis front's; the near-cache rows
 * must keep the targets they met before. Moonshots compare with golang/groupcache.
 */
export const TARGETS: Target[] = [
  { rows: /^gateway-\w+-nearoff-uniform$/, metric: 'rps', against: 'redis-uniform', goal: 1.0 },
  {
    rows: /^gateway-\w+-nearoff-uniform$/,
    metric: 'rps',
    against: 'groupcache-uniform',
    goal: 0.8,
    moonshot: true,
  },
  { rows: /^gateway-\w+-nearoff-hot$/, metric: 'rps', against: 'redis-hot', goal: 1.0 },
  { rows: /^gateway-\w+-nearsmall-uniform$/, metric: 'rps', against: 'redis-uniform', goal: 1.0 },
  { rows: /^sdk-\w+-uniform$/, metric: 'rps', against: 'redis-uniform', goal: 1.0 },
  { rows: /^sdk-\w+-near-hot$/, metric: 'rps', against: 'bare-http', goal: 0.8 },
  { rows: /^gateway-\w+-nearoff-uniform$/, metric: 'coldFill', against: 'redis-uniform', goal: 1.0 },
  {
    rows: /^gateway-\w+-nearoff-uniform$/,
    metric: 'coldFill',
    against: 'groupcache-uniform',
    goal: 1.0,
    moonshot: true,
  },
  { rows: /^gateway-\w+-nearon-hot$/, metric: 'rps', against: 'bare-http', goal: 0.8 },
  { rows: /^gateway-\w+-nearon-uniform$/, metric: 'rps', against: 'redis-uniform', goal: 1.0 },
  { rows: /^write-gateway(-http)?-set-ttl$/, metric: 'rps', against: 'redis-set-ttl', goal: 0.5 },
  {
    rows: /^write-gateway(-http)?-set-ttl$/,
    metric: 'rps',
    against: 'redis-set-ttl',
    goal: 1.0,
    moonshot: true,
  },
  { rows: /^write-gateway(-http)?-delete$/, metric: 'rps', against: 'redis-del', goal: 0.5 },
  // A batch against the single PUT of its own gateway (same transport).
  { rows: /^write-gateway-batchset$/, metric: 'rps', against: 'write-gateway-set-ttl', goal: 10 },
  { rows: /^write-gateway-http-batchset$/, metric: 'rps', against: 'write-gateway-http-set-ttl', goal: 10 },
];

/** A target checked against one row. */
export interface TargetCheck extends Target {
  rowId: string;
  /** The ratio checked: the paired median when there is one; undefined when there is no number. */
  ratio?: number;
  met?: boolean;
  /** The row's pairs against the baseline, when it was measured in pairs. */
  paired?: PairedRatio;
  /** The ratio of the row's own run to the baseline row's, when the check is on the pairs. */
  single?: number;
}

/** The rate a target compares, of one row. */
export function rateOf(row: HttpRow | undefined, metric: TargetMetric): number | undefined {
  if (row?.status !== 'measured') return undefined;
  const load = metric === 'rps' ? row.load : row[metric];
  return load?.rps ? load.rps * (metric === 'rps' ? (row.perRequest ?? 1) : 1) : undefined;
}

/** `row`'s rate over the baseline's, for `metric`; undefined when either has no number. */
export function ratioTo(
  rows: HttpRow[],
  row: HttpRow,
  against: string,
  metric: TargetMetric = 'rps',
): number | undefined {
  const rate = rateOf(row, metric);
  const base = rateOf(
    rows.find((r) => r.id === against),
    metric,
  );
  return rate === undefined || base === undefined ? undefined : rate / base;
}

/** The baseline of (a) bare node:http, or (b) the Redis row of the same key pattern, for the table's ratio columns. */
export function ratio(rows: HttpRow[], row: HttpRow, against: 'bare' | 'redis'): number | undefined {
  const base = against === 'bare' ? 'bare-http' : `redis-${row.keys}`;
  return ratioTo(rows, row, base);
}

/** Every target checked against every measured row it applies to. */
export function checkTargets(rows: HttpRow[]): TargetCheck[] {
  return rows
    .filter((row) => row.kind === 'ringcache' && row.status === 'measured')
    .flatMap((row) =>
      TARGETS.filter((t) => t.rows.test(row.id)).map((t) => {
        const single = ratioTo(rows, row, t.against, t.metric);
        const paired = t.metric === 'rps' ? row.paired?.find((p) => p.against === t.against) : undefined;
        const r = paired?.ratio ?? single;
        const check: TargetCheck = {
          ...t,
          rowId: row.id,
          ratio: r,
          met: r === undefined ? undefined : r >= t.goal,
        };
        return paired ? { ...check, paired, single } : check;
      }),
    );
}

/**
 * A target as printed: e.g. `≥ 1.00× (b) cold: ✓ 1.12×`, `moonshot ≥ 0.80× (c): ✗ 0.41×`, or on pairs
 * `≥ 1.00× (b): ✗ 0.93× paired (0.88–0.97, 3 runs; own run 0.85×)`.
 */
export function describeCheck(check: TargetCheck): string {
  const label = `${check.moonshot ? 'moonshot ' : ''}≥ ${check.goal.toFixed(2)}× ${BASELINE_LABEL[check.against] ?? check.against}${check.metric === 'coldFill' ? ' cold' : ''}`;
  if (check.ratio === undefined) return `${label}: no baseline`;
  const verdict = `${label}: ${check.met ? '✓' : '✗'} ${verdictRatio(check.ratio, check.goal)}×`;
  const { paired, single } = check;
  if (!paired) return verdict;
  const ownRun = single === undefined ? '' : `; own run ${single.toFixed(2)}×`;
  return `${verdict} paired (${paired.low.toFixed(2)}–${paired.high.toFixed(2)}, ${paired.runs} runs${ownRun})`;
}

/**
 * A checked ratio to two decimals — or to as many more as it takes (up to four, then `<`) for a ratio
 * below its goal not to print as the goal itself: 0.9995 against 1.00 is `0.9995`, not a failed `1.00`.
 */
export function verdictRatio(ratio: number, goal: number): string {
  if (ratio >= goal) return ratio.toFixed(2);
  for (let digits = 2; digits <= 4; digits++) {
    const shown = ratio.toFixed(digits);
    if (Number(shown) < goal) return shown;
  }
  return `<${goal.toFixed(4)}`;
}
