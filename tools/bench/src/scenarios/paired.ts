import type { BenchContext } from '../bench-context';
import type { LoadResult, PairSide } from '../load/load-spec';
import { startLoad } from '../load/run-load';
import { median } from '../measure';
import { failureNote } from '../report/failure';
import { TARGETS } from '../report/targets';
import type { HttpRow } from './http-row';

/** How long each load runs before the other takes its turn, in an interleaved run. */
export const TURN_MS = 400;

/**
 * A row is interleaved only when its median latency is at most this share of a turn. A paused load's
 * requests in flight are still served during the other's turn: with 64 connections and answers of a few
 * ms that work is ~1 % of a turn (two loads of one bare node:http server came out 0.96–1.00×), but a batch
 * of 100 writes answered in ~360 ms would have the server work on it through the other's turn.
 */
const MAX_LATENCY_SHARE = 1 / 20;

/**
 * A row's rate over its baseline's, measured in interleaved runs: the row's load and the baseline's each
 * run in a load-runner process of their own, and take turns every TURN_MS (the other one paused), so both
 * fronts see the server core at the same moments — its changes of speed, about 2× for seconds at a time,
 * move both alike and leave the ratio.
 */
export interface PairedRatio {
  /** Id of the baseline row. */
  against: string;
  /** The median of the runs' ratios. */
  ratio: number;
  /** The lowest and highest ratio of a run. */
  low: number;
  high: number;
  /** Interleaved runs. */
  runs: number;
}

/** The row's and the baseline's rates of one interleaved run; `rowFirst` says whose turn comes first. */
export type InterleavedRates = (
  row: PairSide,
  base: PairSide,
  rowFirst: boolean,
) => Promise<[number, number]>;

/** Measures `row` against `base` in `runs` interleaved runs, the row's load first in every other one. */
export async function pairedRatio(
  against: string,
  row: PairSide,
  base: PairSide,
  runs: number,
  measure: InterleavedRates,
): Promise<PairedRatio> {
  if (runs < 1) throw new Error(`a paired measure needs at least one run, got ${runs}`);
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [rowRate, baseRate] = await measure(row, base, i % 2 === 1);
    if (!(baseRate > 0)) throw new Error(`the baseline ${against} answered nothing in a run`);
    ratios.push(rowRate / baseRate);
  }
  return { against, ratio: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios), runs };
}

/** Milliseconds of `turns` (intervals, epoch ms) inside `window`. */
export function activeMs(turns: [number, number][], window: [number, number]): number {
  return turns.reduce(
    (sum, [from, to]) => sum + Math.max(0, Math.min(to, window[1]) - Math.max(from, window[0])),
    0,
  );
}

/**
 * One interleaved run: both loads start, each for twice `pairedRunSec`, and take turns every TURN_MS — the
 * one waiting is paused (SIGSTOP; its connections stay open and idle) — until both have ended. Each
 * rate is its answers (of entries, for a batch) over the time its load ran within its measured part.
 * Throws when any request failed or was not answered 2xx.
 */
export async function interleavedRates(
  context: BenchContext,
  row: PairSide,
  base: PairSide,
  rowFirst: boolean,
): Promise<[number, number]> {
  const { connections, pairedRunSec } = context.settings;
  const sides = [row, base];
  const loads = sides.map((side) =>
    startLoad(context, {
      mode: 'timed',
      origin: side.origin,
      target: side.target,
      connections,
      durationSec: 2 * pairedRunSec,
    }),
  );
  const turns: [number, number][][] = [[], []];
  let current = rowFirst ? 0 : 1;
  let since = Date.now();
  loads[1 - current].signal('SIGSTOP');
  const timer = setInterval(() => {
    const now = Date.now();
    turns[current].push([since, now]);
    loads[current].signal('SIGSTOP');
    current = 1 - current;
    loads[current].signal('SIGCONT');
    since = now;
  }, TURN_MS);
  let results: LoadResult[];
  try {
    results = await Promise.all(loads.map((load) => load.result));
  } finally {
    clearInterval(timer);
    for (const load of loads) load.signal('SIGCONT');
  }
  turns[current].push([since, Date.now()]);
  return results.map((load, i) => {
    if (load.errors > 0 || load.non2xx > 0)
      throw new Error(
        `a run against ${sides[i].origin} had ${load.errors} errors and ${load.non2xx} non-2xx answers`,
      );
    if (!load.windowMs) throw new Error(`a run against ${sides[i].origin} did not say when it measured`);
    const ms = activeMs(turns[i], load.windowMs);
    return ms > 0 ? (load.responses * (sides[i].perRequest ?? 1) * 1000) / ms : 0;
  }) as [number, number];
}

/**
 * Measures `row`, served by `side`, in interleaved runs against the baseline of each of its warm-rate
 * targets (moonshots against golang/groupcache excepted: its peers are not kept running), adding the
 * results to `row.paired`; the targets are then checked on them (report/targets.ts). A baseline is taken
 * from `local` (a front of the same scenario, e.g. single PUTs for batchSet) or else from `context.pairs`.
 * A baseline that cannot run, or a run that fails, leaves a note and the row's own ratio.
 */
export async function pairRowTargets(
  context: BenchContext,
  row: HttpRow,
  side: PairSide,
  local: Record<string, PairSide> = {},
): Promise<void> {
  const { pairedRuns, pairedRunSec } = context.settings;
  if (row.status !== 'measured' || !row.load || pairedRuns === 0) return;
  const baselines = new Set(
    TARGETS.filter((t) => t.metric === 'rps' && !t.moonshot && t.rows.test(row.id)).map((t) => t.against),
  );
  const p50 = row.load.latencyMs.p50;
  if (baselines.size > 0 && p50 > MAX_LATENCY_SHARE * TURN_MS) {
    row.notes.push(
      `not interleaved with ${[...baselines].join(', ')}: its median answer (${p50} ms) is too long for ` +
        `turns of ${TURN_MS} ms, so its targets are checked on the rows alone`,
    );
    return;
  }
  for (const against of baselines) {
    const base = local[against] ?? (await context.pairs.side(against));
    if (typeof base === 'string') {
      row.notes.push(`no paired measure against ${against}: ${base}`);
      continue;
    }
    context.progress(
      `${row.name}: ${pairedRuns} runs interleaved with ${against}, ${pairedRunSec} s of load each`,
    );
    try {
      const paired = await pairedRatio(against, side, base, pairedRuns, (r, b, rowFirst) =>
        interleavedRates(context, r, b, rowFirst),
      );
      row.paired = [...(row.paired ?? []), paired];
    } catch (error) {
      row.notes.push(`paired measure against ${against} ${failureNote(error)}`);
    }
  }
}
