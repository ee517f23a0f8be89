import type { BenchContext } from '../bench-context';
import { freshPassFrom, KEY_PATH_PREFIX, MAX_WARMING_PASSES } from '../data/keys';
import type { LoadResult } from '../load/load-spec';
import { runLoad } from '../load/run-load';
import type { HttpRow } from './http-row';

/** A warming pass whose rate is within this fraction of the pass before's: the processes are warm. */
export const SETTLED_WITHIN = 0.1;

/** The cold passes of a front, each over keys it has never been asked for: every one a database read. */
export interface ColdPasses {
  /**
   * The passes that warm the processes, over other keys (`freshPassFrom(keys)` on, a fresh range each),
   * until the rate settles (`settled`) or MAX_WARMING_PASSES have run. The first ran on processes that had
   * served nothing yet: the rate of a front just started, code not yet optimised by V8 (or, in Go, caches
   * and pools still empty).
   */
  warming: LoadResult[];
  /** Then over the rows' keys (0 … keys − 1), on the warmed processes: the cold-key path. */
  cold: LoadResult;
}

/**
 * True when the last of `passes` ran within SETTLED_WITHIN of the rate of the one before it: the front's
 * processes have warmed up, and a further pass would measure the same path.
 */
export function settled(passes: LoadResult[]): boolean {
  if (passes.length < 2) return false;
  const [before, last] = passes.slice(-2).map((pass) => pass.rps);
  return Math.abs(last - before) <= SETTLED_WITHIN * before;
}

/**
 * Runs a front's cold passes through `origin`, the same way for every front: warming passes over other keys
 * until its rate settles, then the pass over the rows' keys. So the cold-fill ratios compare the path of a
 * cold key in a front that has been up a while, and not how long each front's code takes to warm up — a
 * Node front with more code on its path takes more passes (V8 optimises a function only after it has run
 * a while).
 */
export async function coldPasses(context: BenchContext, origin: string, label: string): Promise<ColdPasses> {
  // As many at once as the timed rows' connections, so a pass loads the servers as those rows do.
  const { keys, connections } = context.settings;
  const sweep = (from: number) =>
    runLoad(context, {
      mode: 'sweep',
      origin,
      prefix: KEY_PATH_PREFIX,
      from,
      to: from + keys,
      concurrency: connections,
    });
  const warming = await warmingPasses(freshPassFrom(keys), keys, (from, n) => {
    const fresh = n === 1 ? ', on fresh processes' : '';
    context.progress(`${label}: warming pass ${n} over ${keys} other keys${fresh}`);
    return sweep(from);
  });
  context.progress(`${label}: cold pass over the rows' ${keys} keys`);
  const cold = await sweep(0);
  return { warming, cold };
}

/**
 * Runs `pass(from, n)` — the n-th pass, over `keys` keys from `from` — on successive ranges from `first` on,
 * until the rate settles or MAX_WARMING_PASSES have run; resolves with every pass, in order.
 */
export async function warmingPasses(
  first: number,
  keys: number,
  pass: (from: number, n: number) => Promise<LoadResult>,
): Promise<LoadResult[]> {
  const passes: LoadResult[] = [];
  do passes.push(await pass(first + passes.length * keys, passes.length + 1));
  while (passes.length < MAX_WARMING_PASSES && !settled(passes));
  return passes;
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
  const { warming, cold } = passes;
  const missed = (name: string, pass: LoadResult) =>
    pass.ok === keys ? [] : [`${name}: only ${pass.ok} of ${keys} keys answered 200`];
  return {
    ...row,
    coldFill: cold,
    freshFill: warming[0],
    warmingPasses: warming.length,
    notes: [
      ...warming.flatMap((pass, i) => missed(`warming pass ${i + 1}`, pass)),
      ...missed('cold pass', cold),
      ...notes,
      ...row.notes,
    ],
  };
}
