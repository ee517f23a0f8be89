import { parseArgs } from 'node:util';

import { runAllSuite } from './suites/all.suite';
import { runLibsSuite } from './suites/libs.suite';

/**
 * `node dist/tools/bench/main.js <suite> [--quick] [--out dir]`: `libs` prints the libraries table;
 * `all` runs every scenario against its baselines (see README, "Benchmarks").
 */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench/results' },
    },
  });
  const suite = positionals[0] ?? 'libs';
  if (suite === 'libs') return runLibsSuite(values.quick, values.out);
  if (suite === 'all') {
    const ok = await runAllSuite(values.quick, values.out);
    if (!ok) process.exitCode = 1;
    return;
  }
  throw new Error(`unknown suite ${suite}: expected libs or all`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
