import { machineFacts } from '../env/machine';
import { benchLibs, libsTable } from '../libs.bench';
import type { MeasureOptions } from '../measure';
import { fileTimestamp, writeResultFile } from '../report/result-file';

/** Measure settings of the libraries table, full or `--quick`. */
export function libsMeasureOptions(quick: boolean): MeasureOptions {
  return quick ? { rounds: 3, roundMs: 100 } : { rounds: 5, roundMs: 300 };
}

/** `main.js libs`: the libraries table alone (`npm run bench:libs`), written to `<out>/<timestamp>-libs.json`. */
export async function runLibsSuite(quick: boolean, out: string): Promise<void> {
  const machine = machineFacts();
  console.log(`# ringcache benchmarks: libs${quick ? ' (quick)' : ''}`);
  console.log(`machine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}\n`);
  const rows = await benchLibs(libsMeasureOptions(quick));
  console.log(libsTable(rows));
  const file = writeResultFile(out, `${fileTimestamp()}-libs`, { suite: 'libs', quick, machine, libs: rows });
  console.log(`\nwrote ${file}`);
}
