import type { HttpRow, KeyPattern } from '../scenarios/http-row';

/** A goal from the issue: reported next to the measured ratio, never asserted. */
export interface Target {
  /** Which ringcache rows it applies to. */
  keys: KeyPattern;
  /** The baseline the ratio is taken against. */
  against: 'bare' | 'redis';
  /** The ratio to reach. */
  goal: number;
}

/** The targets: gateway 10k-key uniform ≥ 1.0× the Redis front; gateway hot key ≥ 0.8× bare node:http. */
export const TARGETS: Target[] = [
  { keys: 'uniform', against: 'redis', goal: 1.0 },
  { keys: 'hot', against: 'bare', goal: 0.8 },
];

/** A target checked against one row. */
export interface TargetCheck extends Target {
  rowId: string;
  /** The measured ratio; undefined when the row or its baseline has no number. */
  ratio?: number;
  met?: boolean;
}

/** The baseline row a row's ratio is taken against: (a) bare, or (b) the Redis row of the same key pattern. */
export function baselineOf(rows: HttpRow[], row: HttpRow, against: 'bare' | 'redis'): HttpRow | undefined {
  return against === 'bare'
    ? rows.find((r) => r.kind === 'baseline-bare')
    : rows.find((r) => r.kind === 'baseline-redis' && r.keys === row.keys);
}

/** requests/s of `row` over requests/s of its baseline; undefined when either has no number. */
export function ratio(rows: HttpRow[], row: HttpRow, against: 'bare' | 'redis'): number | undefined {
  const base = baselineOf(rows, row, against);
  if (row.status !== 'measured' || !row.load || base?.status !== 'measured' || !base.load?.rps)
    return undefined;
  return row.load.rps / base.load.rps;
}

/** Every target checked against every gateway row it applies to (the targets are the gateway's). */
export function checkTargets(rows: HttpRow[]): TargetCheck[] {
  return rows
    .filter((row) => row.id.startsWith('gateway-') && row.status === 'measured')
    .flatMap((row) =>
      TARGETS.filter((t) => t.keys === row.keys).map((t) => {
        const r = ratio(rows, row, t.against);
        return { ...t, rowId: row.id, ratio: r, met: r === undefined ? undefined : r >= t.goal };
      }),
    );
}
