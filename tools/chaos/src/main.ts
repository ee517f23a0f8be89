import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { parseDuration } from '@ringcache/config';
import { stopAllProcesses } from '@ringcache/testing';

import { formatChaosReport } from './lib/chaos-report';
import { runChaos } from './lib/run-chaos';

// `npm run chaos -- --duration 10m --seed 42`: a real cluster under seeded faults, with a history checker.
// Exit code 0 when every check passed, 1 when one failed, 2 on bad usage.
const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    duration: { type: 'string', default: '10m' },
    short: { type: 'boolean', default: false },
    workers: { type: 'string', default: '4' },
    pace: { type: 'string', default: '20ms' },
    json: { type: 'string' },
  },
});

async function main(): Promise<number> {
  const seed = values.seed === undefined ? (Date.now() ^ (process.pid << 16)) >>> 0 : Number(values.seed);
  const workers = Number(values.workers);
  if (!Number.isInteger(seed) || seed < 0 || !Number.isInteger(workers) || workers < 1) {
    console.error(
      'usage: chaos [--seed N] [--duration 10m] [--short] [--workers 4] [--pace 20ms] [--json file]',
    );
    return 2;
  }
  const durationMs = parseDuration(values.duration as string);
  console.log(`chaos: seed ${seed} (replay with --seed ${seed}), duration ${values.duration}`);
  const result = await runChaos({
    seed,
    durationMs,
    short: values.short,
    workersPerEntry: workers,
    paceMs: parseDuration(values.pace as string),
  });
  const table = formatChaosReport(result);
  console.log(`\n${table}`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ ...result, table }, null, 2));
  return result.passed ? 0 : 1;
}

const stopOnSignal = () => void stopAllProcesses().finally(() => process.exit(130));
process.once('SIGINT', stopOnSignal);
process.once('SIGTERM', stopOnSignal);
main().then(
  (code) => process.exit(code),
  async (error) => {
    console.error(error);
    await stopAllProcesses();
    process.exit(1);
  },
);
