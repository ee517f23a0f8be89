import type { BenchContext } from '../bench-context';
import type { PairSide } from '../load/load-spec';
import { runLoad } from '../load/run-load';
import { failureNote } from '../report/failure';
import { TARGETS } from '../report/targets';
import type { HttpRow } from './http-row';

/**
 * A row's rate over its baseline's, measured in turns: `pairs` pairs of short slices, one of each front,
 * back to back. Both fronts see the machine at nearly the same moment, so a change of the server core's
 * speed between two rows of the run (it has two, about 2× apart, for seconds at a time) moves both sides
 * of a pair alike and leaves the ratio.
 */
export interface PairedRatio {
  /** Id of the baseline row. */
  against: string;
  /** The median of the pairs' ratios. */
  ratio: number;
  /** The lowest and highest ratio of a pair. */
  low: number;
  high: number;
  pairs: number;
}

/** The rate (per second, of entries for a batch) of one slice of `seconds` against `side`. */
export type SliceRate = (side: PairSide, seconds: number) => Promise<number>;

/**
 * Measures `row` against `base` in `pairs` pairs of slices of `sliceSec`, in the order base-row, row-base,
 * base-row, … (ABBA), so a drift of the machine's speed within a pair favours neither side over the run.
 */
export async function pairedRatio(
  against: string,
  row: PairSide,
  base: PairSide,
  pairs: number,
  sliceSec: number,
  rate: SliceRate,
): Promise<PairedRatio> {
  if (pairs < 1) throw new Error(`a paired measure needs at least one pair, got ${pairs}`);
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const baseFirst = i % 2 === 0;
    const first = await rate(baseFirst ? base : row, sliceSec);
    const second = await rate(baseFirst ? row : base, sliceSec);
    const [rowRate, baseRate] = baseFirst ? [second, first] : [first, second];
    if (!(baseRate > 0)) throw new Error(`the baseline ${against} answered nothing in a slice`);
    ratios.push(rowRate / baseRate);
  }
  ratios.sort((a, b) => a - b);
  const middle = Math.floor(ratios.length / 2);
  const ratio = ratios.length % 2 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2;
  return { against, ratio, low: ratios[0], high: ratios[ratios.length - 1], pairs };
}

/**
 * One slice through the load runner: its rate, or an error when any request of it failed or was not
 * answered 2xx (a slice that failed would make a ratio look better or worse than the path is).
 */
export async function sliceRate(context: BenchContext, side: PairSide, seconds: number): Promise<number> {
  const { connections } = context.settings;
  const load = await runLoad(context, {
    mode: 'timed',
    origin: side.origin,
    target: side.target,
    connections,
    durationSec: seconds,
  });
  if (load.errors > 0 || load.non2xx > 0)
    throw new Error(
      `a slice against ${side.origin} had ${load.errors} errors and ${load.non2xx} non-2xx answers`,
    );
  return load.rps * (side.perRequest ?? 1);
}

/**
 * Measures `row`, served by `side`, in pairs against the baseline of each of its warm-rate targets
 * (moonshots against golang/groupcache excepted: its peers are not kept running), adding the results to
 * `row.paired`; the targets are then checked on them (report/targets.ts). A baseline is taken from
 * `local` (a front of the same scenario, e.g. single PUTs for batchSet) or else from `context.pairs`. A
 * baseline that cannot run, or a slice that fails, leaves a note and the row's single-run ratio.
 */
export async function pairRowTargets(
  context: BenchContext,
  row: HttpRow,
  side: PairSide,
  local: Record<string, PairSide> = {},
): Promise<void> {
  const { pairs, pairSliceSec } = context.settings;
  if (row.status !== 'measured' || pairs === 0) return;
  const baselines = new Set(
    TARGETS.filter((t) => t.metric === 'rps' && !t.moonshot && t.rows.test(row.id)).map((t) => t.against),
  );
  for (const against of baselines) {
    const base = local[against] ?? (await context.pairs.side(against));
    if (typeof base === 'string') {
      row.notes.push(`no paired measure against ${against}: ${base}`);
      continue;
    }
    context.progress(`${row.name}: ${pairs} pairs of ${pairSliceSec} s slices against ${against}`);
    try {
      const paired = await pairedRatio(against, side, base, pairs, pairSliceSec, (s, seconds) =>
        sliceRate(context, s, seconds),
      );
      row.paired = [...(row.paired ?? []), paired];
    } catch (error) {
      row.notes.push(`paired measure against ${against} ${failureNote(error)}`);
    }
  }
}
