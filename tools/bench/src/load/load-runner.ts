// The load generator's own process: `node load-runner.js <spec.json> <result.json>`. The benchmark starts
// it pinned to the load core, so no server ever shares a process — or a core, when pinned — with it.
import { readFileSync, writeFileSync } from 'node:fs';

import { burst } from './burst';
import { fill } from './fill';
import type { LoadResult, LoadSpec } from './load-spec';
import { sweep } from './sweep';
import { timed } from './timed';

/** Runs the spec in argv[2] and writes its result to argv[3]. */
async function main(): Promise<void> {
  const [specFile, resultFile] = process.argv.slice(2);
  if (!specFile || !resultFile) throw new Error('usage: load-runner <spec.json> <result.json>');
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as LoadSpec;
  let result: LoadResult;
  if (spec.mode === 'timed') result = await timed(spec);
  else if (spec.mode === 'sweep') result = await sweep(spec);
  else if (spec.mode === 'fill') result = await fill(spec);
  else result = await burst(spec);
  const { user, system } = process.cpuUsage();
  writeFileSync(resultFile, JSON.stringify({ ...result, runnerCpuSec: (user + system) / 1e6 }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
