import type { BenchSettings } from '../bench-context';
import type { PinPlan } from '../env/cpu-pinning';
import type { MachineFacts } from '../env/machine';
import type { LibRow } from '../libs.bench';
import type { ExpiryRow } from '../scenarios/expiry.scenario';
import type { HopRow } from '../scenarios/hop.scenario';
import type { HttpRow } from '../scenarios/http-row';
import type { HungRow } from '../scenarios/hung-node.scenario';
import type { ConvergenceRow } from '../scenarios/membership.scenario';
import type { MemoryRow } from '../scenarios/memory.scenario';
import type { RingRebuildRow } from '../scenarios/ring-rebuild.scenario';
import type { StalenessRow } from '../scenarios/staleness.scenario';
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
  /**
   * The CPU probe around the HTTP and write rows (env/cpu-probe.ts): its fastest and slowest time in this
   * run, in ms; absent when no row was measured.
   */
  cpuProbe?: { fastestMs: number; slowestMs: number };
  pinning: PinPlan;
  settings: BenchSettings;
  http: HttpRow[];
  /** Write rows: the Redis front's SET and DEL, and ringcache's writes. */
  writes: HttpRow[];
  /** How long near caches served an old value after a write returned. */
  staleness: StalenessRow[];
  targets: TargetCheck[];
  stampede: StampedeRow[];
  memory: MemoryRow[];
  libs: LibRow[];
  /** CPU of one peer hop, client and node, per call, over each transport. */
  hop: HopRow[];
  rings: RingRebuildRow[];
  membership: ConvergenceRow[];
  /** Absent when the run left the scenario out (`--only`). */
  expiry?: ExpiryRow;
  /** Reads of a SIGSTOPped node's keys under load. */
  hung: HungRow[];
}

/** True when any scenario failed (a skipped baseline is not a failure). */
export function anyFailed(report: BenchReport): boolean {
  return (
    report.http.some((r) => r.status === 'failed') ||
    report.hop.some((r) => r.status === 'failed') ||
    report.writes.some((r) => r.status === 'failed') ||
    report.staleness.some((r) => r.status === 'failed') ||
    report.stampede.some((r) => r.status === 'failed') ||
    report.memory.some((r) => r.status === 'failed') ||
    report.membership.some((r) => r.status === 'failed') ||
    report.expiry?.status === 'failed' ||
    report.hung.some((r) => r.status === 'failed')
  );
}
