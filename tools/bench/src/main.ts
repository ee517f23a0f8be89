import { parseArgs } from 'node:util';

import { runAllSuite, SCENARIOS } from './suites/all.suite';
import { runLibsSuite } from './suites/libs.suite';

/**
 * `node dist/tools/bench/main.js <suite> [--quick] [--out dir] [--only a,b]`: `libs` prints the libraries
 * table; `all` runs every scenario against its baselines (see README, "Benchmarks"), or only those named.
 */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench/results' },
      only: { type: 'string' },
    },
  });
  const suite = positionals[0] ?? 'libs';
  if (suite === 'libs') return runLibsSuite(values.quick, values.out);
  if (suite === 'all') {
    const only = values.only === undefined ? undefined : new Set(values.only.split(','));
    for (const name of only ?? []) {
      if (!(SCENARIOS as readonly string[]).includes(name))
        throw new Error(`unknown scenario ${name} in --only: expected some of ${SCENARIOS.join(', ')}`);
    }
    const ok = await runAllSuite(values.quick, values.out, only);
    if (!ok) process.exitCode = 1;
    return;
  }
  throw new Error(`unknown suite ${suite}: expected libs or all`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
