import { writeFileSync } from 'node:fs';

import { stopAllProcesses } from '@ringcache/testing';

import { parseSoakOptions, USAGE } from './soak-options';
import { soakReport } from './soak-report';
import { runSoak } from './soak-run';

/**
 * `node dist/tools/soak/main.js [--duration 30m] …`: runs steady mixed load against a real cluster, samples
 * every process it started, prints the table of trends and verdicts, and exits 1 when a rule failed.
 */
async function main(): Promise<void> {
  let options;
  try {
    options = parseSoakOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  // A first Ctrl-C ends the load early and reports what was sampled; a second stops every child at once.
  const early = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!early.signal.aborted) {
        console.error(`soak: ${signal}, ending the load early (again to stop at once)`);
        early.abort();
        return;
      }
      void stopAllProcesses().finally(() => process.exit(130));
    });
  }
  const result = await runSoak(options, (line) => console.error(`soak: ${line}`), early.signal);
  if (options.jsonPath) writeFileSync(options.jsonPath, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(soakReport(result));
  if (!result.ok) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
