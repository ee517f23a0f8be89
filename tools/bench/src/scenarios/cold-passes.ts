import type { BenchContext } from '../bench-context';
import { freshPassFrom, KEY_PATH_PREFIX } from '../data/keys';
import type { LoadResult } from '../load/load-spec';
import { runLoad } from '../load/run-load';
import type { HttpRow } from './http-row';

/** Requests at once in a cold pass, over keep-alive connections. */
const COLD_CONCURRENCY = 32;

/** The two cold passes of a front, each over keys it has never been asked for: every one a database read. */
export interface ColdPasses {
  /**
   * Over the fresh-pass keys (`freshPassFrom(keys)` on), on processes that had served nothing yet: the
   * rate of a front just started, code not yet optimised by V8 (or, in Go, caches and pools still empty).
   */
  fresh: LoadResult;
  /** Then over the rows' keys (0 … keys − 1), on processes warmed by the pass above: the cold-key path. */
  cold: LoadResult;
}

/**
 * Runs both cold passes through the front at `origin`, the same way for every front, so the cold-fill
 * ratios compare the path of a cold key and not how long each front's code takes to warm up.
 */
export async function coldPasses(context: BenchContext, origin: string, label: string): Promise<ColdPasses> {
  const { keys } = context.settings;
  const sweep = (from: number) =>
    runLoad(context, {
      mode: 'sweep',
      origin,
      prefix: KEY_PATH_PREFIX,
      from,
      to: from + keys,
      concurrency: COLD_CONCURRENCY,
    });
  context.progress(`${label}: first pass over ${keys} other keys, on fresh processes`);
  const fresh = await sweep(freshPassFrom(keys));
  context.progress(`${label}: cold pass over the rows' ${keys} keys`);
  const cold = await sweep(0);
  return { fresh, cold };
}

/**
 * `row` (a uniform row of the front) with its cold passes and their notes: a pass that did not answer every
 * key 200, then `notes` (what else the front's scenario knows of the passes), then the row's own.
 */
export function withColdPasses(
  row: HttpRow,
  passes: ColdPasses,
  keys: number,
  notes: string[] = [],
): HttpRow {
  const { fresh, cold } = passes;
  return {
    ...row,
    coldFill: cold,
    freshFill: fresh,
    notes: [
      ...(fresh.ok === keys ? [] : [`fresh pass: only ${fresh.ok} of ${keys} keys answered 200`]),
      ...(cold.ok === keys ? [] : [`cold pass: only ${cold.ok} of ${keys} keys answered 200`]),
      ...notes,
      ...row.notes,
    ],
  };
}
