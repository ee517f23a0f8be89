/**
 * Run as a separate process by demo-data.spec.ts: for the SQLite file argv[2], waits until the time
 * argv[3] (ms since the epoch), so that all processes open and seed it at the same moment, and seeds it.
 */
import { createDataSource } from '../lib/create-data-source';
import { ensureDemoData } from '../lib/demo-data';

async function main(): Promise<void> {
  const [sqlitePath, startAt] = process.argv.slice(2);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  const dataSource = await createDataSource({ sqlitePath });
  await ensureDemoData(dataSource);
  await dataSource.destroy();
}

main().then(
  () => process.stdout.write('seeded\n'),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
