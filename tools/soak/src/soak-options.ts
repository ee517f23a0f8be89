import { parseArgs } from 'node:util';

import { parseBytes, parseDuration } from '@ringcache/config';

/** What a soak runs and how it samples, from the command line. */
export interface SoakOptions {
  /** How long the load runs, in ms. `--duration`, default 30m. */
  durationMs: number;
  /** Time between samples, in ms. `--interval`, default 5s. */
  intervalMs: number;
  /** Operations started per second, gateway and SDK together. `--rate`, default 200. */
  rate: number;
  /** Most operations in flight at once; an operation due while that many wait is skipped. `--concurrency`, default 24. */
  concurrency: number;
  /** Distinct keys asked for; the table holds the first three quarters, the rest are not found. `--keys`, default 40000. */
  keys: number;
  /** The soak group's `maxBytes` on each node. `--budget`, default 2MiB. */
  budgetBytes: number;
  /** Share of the run always counted as warm-up (more when the caches fill later). `--warm-up`, default 0.2. */
  warmUpShare: number;
  /** Where to write the samples and verdicts as JSON. `--json`, default none. */
  jsonPath?: string;
  /** Seed of the operation mix. `--seed`, default 1. */
  seed: number;
}

/** Usage line printed with an option error. */
export const USAGE =
  'usage: node dist/tools/soak/main.js [--duration 30m] [--interval 5s] [--rate 200] [--concurrency 24] ' +
  '[--keys 40000] [--budget 2MiB] [--warm-up 0.2] [--seed 1] [--json file]';

/** Parses and checks the command line; throws a RangeError naming the option and the value. */
export function parseSoakOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '30m' },
      interval: { type: 'string', default: '5s' },
      rate: { type: 'string', default: '200' },
      concurrency: { type: 'string', default: '24' },
      keys: { type: 'string', default: '40000' },
      budget: { type: 'string', default: '2MiB' },
      'warm-up': { type: 'string', default: '0.2' },
      seed: { type: 'string', default: '1' },
      json: { type: 'string' },
    },
  });
  const options: SoakOptions = {
    durationMs: parseDuration(values.duration),
    intervalMs: parseDuration(values.interval),
    rate: number('rate', values.rate, 1, 5_000),
    concurrency: number('concurrency', values.concurrency, 1, 1_000),
    keys: number('keys', values.keys, 100, 10_000_000),
    budgetBytes: parseBytes(values.budget),
    warmUpShare: number('warm-up', values['warm-up'], 0, 0.9, false),
    seed: number('seed', values.seed, 0, 2 ** 31),
    jsonPath: values.json,
  };
  if (options.intervalMs < 500) throw new RangeError(`--interval ${values.interval} is below 500ms`);
  // Enough samples after a warm-up of at most 90 % for a trend to mean something.
  if (options.durationMs < 20 * options.intervalMs)
    throw new RangeError(`--duration ${values.duration} is under 20 intervals of ${values.interval}`);
  if (options.budgetBytes < 2 ** 20) throw new RangeError(`--budget ${values.budget} is below 1MiB`);
  return options;
}

function number(name: string, text: string, min: number, max: number, whole = true): number {
  const value = Number(text);
  if (
    text.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (whole && !Number.isInteger(value))
  )
    throw new RangeError(
      `--${name} ${text}: expected ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}`,
    );
  return value;
}
