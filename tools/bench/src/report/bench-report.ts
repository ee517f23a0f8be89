import type { BenchSettings } from '../bench-context';
import type { PinPlan } from '../env/cpu-pinning';
import type { MachineFacts } from '../env/machine';
import type { LibRow } from '../libs.bench';
import type { HttpRow } from '../scenarios/http-row';
import type { MemoryRow } from '../scenarios/memory.scenario';
import type { StampedeRow } from '../scenarios/stampede.scenario';
import type { TargetCheck } from './targets';

/** Everything one `all` run measured: printed as Markdown, and written whole as the JSON result file. */
export interface BenchReport {
  suite: 'all';
  quick: boolean;
  startedAt: string;
  wallSec: number;
  machine: MachineFacts;
  loadAverageAtEnd: number[];
  pinning: PinPlan;
  settings: BenchSettings;
  http: HttpRow[];
  targets: TargetCheck[];
  stampede: StampedeRow[];
  memory: MemoryRow;
  libs: LibRow[];
}

/** True when any scenario failed (a skipped baseline or a not-built row is not a failure). */
export function anyFailed(report: BenchReport): boolean {
  return (
    report.http.some((r) => r.status === 'failed') ||
    report.stampede.some((r) => r.status === 'failed') ||
    report.memory.status === 'failed'
  );
}
