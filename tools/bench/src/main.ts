import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { benchLibs, libsTable } from './libs.bench';

/** `node dist/tools/bench/main.js <suite> [--quick]`: runs a benchmark suite and prints its table. */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench/results' },
    },
  });
  const suite = positionals[0] ?? 'libs';
  const measureOptions = values.quick ? { rounds: 3, roundMs: 100 } : { rounds: 5, roundMs: 300 };
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    platform: process.platform,
  };
  console.log(`# ringcache benchmarks: ${suite}${values.quick ? ' (quick)' : ''}`);
  console.log(`machine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}\n`);
  if (suite !== 'libs') throw new Error(`unknown suite ${suite}: expected libs`);
  const rows = await benchLibs(measureOptions);
  console.log(libsTable(rows));
  mkdirSync(values.out, { recursive: true });
  const file = join(values.out, `${new Date().toISOString().replace(/[:.]/g, '-')}-${suite}.json`);
  writeFileSync(file, JSON.stringify({ suite, quick: values.quick, machine, libs: rows }, null, 2));
  console.log(`\nwrote ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
