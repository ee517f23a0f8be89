import type { BenchContext } from '../bench-context';
import type { PairedRatio } from './paired';
import { busySeconds, parseCoreList } from '../env/core-usage';
import { totalCpuSeconds } from '../env/proc-stats';
import type { LoadResult, Target } from '../load/load-spec';
import { runLoad } from '../load/run-load';

/** Which keys a row asks for; rows are compared with the baseline of the same kind. */
export type KeyPattern = 'constant' | 'hot' | 'uniform';

/** One row of the HTTP table: a baseline or a ringcache front under the same load. */
export interface HttpRow {
  /** Stable id for the JSON, e.g. `gateway-grpc-uniform`. */
  id: string;
  /** What the row is, as printed. */
  name: string;
  kind: 'baseline-bare' | 'baseline-redis' | 'baseline-groupcache' | 'ringcache';
  keys: KeyPattern;
  /** measured; skipped (a baseline's service is not there); failed. */
  status: 'measured' | 'skipped' | 'failed';
  load?: LoadResult;
  /** CPU our server processes used over the measured part, in % of one core, summed over them. */
  serverCpuPercent?: number;
  /**
   * CPU that processes other than ours (other work on the machine, the hypervisor's steal) took on the
   * server cores and on the load core while the row was measured, in % of one core. When pinned only.
   */
  otherCpuPercent?: { serverCores: number; loadCore: number };
  /** CPU of a server the row uses but did not start (redis-server), in % of one core; part of `otherCpuPercent`. */
  externalCpuPercent?: number;
  /**
   * The pass that requested every key of the row once, cold, before it (uniform rows), on processes warmed by
   * the warming passes: the cold-key rate the cold targets check (scenarios/cold-passes.ts).
   */
  coldFill?: LoadResult;
  /**
   * The first of the passes over as many other keys, cold, that warmed the processes before `coldFill`: on
   * fresh processes, a fresh start's rate.
   */
  freshFill?: LoadResult;
  /** How many warming passes ran before `coldFill`, the first being `freshFill` (until the rate settled). */
  warmingPasses?: number;
  /** Entries each request carries (a batch write's): rates of this row are entries/s. Default 1. */
  perRequest?: number;
  /** The row measured in runs interleaved with the baselines of its warm-rate targets (paired.ts). */
  paired?: PairedRatio[];
  /** The CPU probe (env/cpu-probe.ts) just before and just after the measured part, in ms. */
  cpuProbeMs?: [number, number];
  /** Things the reader must know about this row: errors, a saturated generator, a cache not warm. */
  notes: string[];
}

/**
 * Warms the write path of the front at `origin` before its first write row: `writeWarmupSec` of each target
 * (a write kind), unmeasured. Every key of the targets is written in it, so the rows then overwrite keys, as
 * a cache that has been up a while does.
 */
export async function warmWrites(context: BenchContext, origin: string, targets: Target[]): Promise<void> {
  const { connections, writeWarmupSec } = context.settings;
  for (const target of targets) {
    context.progress(
      `${origin}: ${target.method ?? 'GET'} for ${writeWarmupSec} s, unmeasured (write warm-up)`,
    );
    await runLoad(context, { mode: 'timed', origin, target, connections, durationSec: writeWarmupSec });
  }
}

/** A row that produced no number, with the reason. */
export function unmeasuredRow(
  base: Pick<HttpRow, 'id' | 'name' | 'kind' | 'keys'>,
  status: 'skipped' | 'failed',
  reason: string,
): HttpRow {
  return { ...base, status, notes: [reason] };
}

/** A server process a row depends on but did not start, and how to read the CPU seconds it has used. */
export interface ExternalServer {
  name: string;
  cpuSeconds(): Promise<number>;
}

/**
 * Measures one row: an unmeasured warm-up, then the measured run, both from the load-runner process;
 * samples the CPU time of `serverPids` (and of `external`) and of the pinned cores around the measured
 * run, and probes the server core's speed just before (waiting for it to run at its usual speed, see
 * CoreSpeed) and just after it. Adds notes for errors, non-2xx answers, a saturated load generator and
 * CPU taken by other processes, so no row looks better — or cleaner — than it was.
 */
export async function measureRow(
  context: BenchContext,
  base: Pick<HttpRow, 'id' | 'name' | 'kind' | 'keys'>,
  origin: string,
  target: Target,
  serverPids: number[],
  external?: ExternalServer,
): Promise<HttpRow> {
  const { connections, warmupSec, durationSec } = context.settings;
  context.progress(`${base.name}: warm-up ${warmupSec} s, then ${durationSec} s measured`);
  await runLoad(context, { mode: 'timed', origin, target, connections, durationSec: warmupSec });
  const serverCores = context.pins.serverCores ? parseCoreList(context.pins.serverCores) : [];
  const loadCores = context.pins.loadCores ? parseCoreList(context.pins.loadCores) : [];
  // Before the samples below: the probes and any wait for the core are not part of the measured window.
  const { probeMs: probeBefore, waitedMs } = await context.coreSpeed.steady();
  const cpuBefore = totalCpuSeconds(serverPids);
  const serverBusyBefore = busySeconds(serverCores);
  const loadBusyBefore = busySeconds(loadCores);
  const externalBefore = await external?.cpuSeconds();
  const windowStart = performance.now();
  const load = await runLoad(context, { mode: 'timed', origin, target, connections, durationSec });
  const cpuAfter = totalCpuSeconds(serverPids);
  const serverBusyAfter = busySeconds(serverCores);
  const loadBusyAfter = busySeconds(loadCores);
  const windowSec = (performance.now() - windowStart) / 1000;
  const externalAfter = await external?.cpuSeconds();
  const probeAfter = context.coreSpeed.measure();
  const percent = (seconds: number) => Math.round((seconds / load.durationSec) * 100);
  const serverCpu =
    cpuBefore === undefined || cpuAfter === undefined || load.durationSec === 0
      ? undefined
      : cpuAfter - cpuBefore;
  const row: HttpRow = {
    ...base,
    status: 'measured',
    load,
    serverCpuPercent: serverCpu === undefined ? undefined : percent(serverCpu),
    cpuProbeMs: [probeBefore, probeAfter],
    notes: [
      ...loadNotes(load),
      ...(waitedMs > 0
        ? [`measured after waiting ${waitedMs / 1000} s for the server core to run at its usual speed`]
        : []),
    ],
  };
  if (
    context.pins.pinned &&
    serverCpu !== undefined &&
    serverBusyBefore !== undefined &&
    serverBusyAfter !== undefined &&
    loadBusyBefore !== undefined &&
    loadBusyAfter !== undefined
  ) {
    // The runner's whole life (start-up, building requests) is on the load core, not only its run.
    const loadgenSeconds = load.runnerCpuSec ?? (load.loadgenCpuPercent / 100) * load.durationSec;
    // Others run during the whole window (the runner's start-up included), so their share is of it.
    const share = (seconds: number) => Math.max(0, Math.round((seconds / windowSec) * 100));
    row.otherCpuPercent = {
      serverCores: share(serverBusyAfter - serverBusyBefore - serverCpu),
      loadCore: share(loadBusyAfter - loadBusyBefore - loadgenSeconds),
    };
    const { serverCores: onServers, loadCore: onLoad } = row.otherCpuPercent;
    const externalPercent =
      externalBefore === undefined || externalAfter === undefined ? 0 : share(externalAfter - externalBefore);
    if ((onServers >= 15 || onLoad >= 15) && onServers + onLoad - externalPercent >= 15) {
      row.notes.push(
        `other processes took ${onServers}% of the server core(s) and ${onLoad}% of the load core` +
          (external ? ` (${external.name}: ${externalPercent}%)` : '') +
          ': noisy',
      );
    }
  }
  if (external && externalBefore !== undefined && externalAfter !== undefined) {
    row.externalCpuPercent = Math.round(((externalAfter - externalBefore) / windowSec) * 100);
    row.notes.push(`${external.name} used ${row.externalCpuPercent}% of a core (not ours: not in CPU srv)`);
  }
  return row;
}

/** Notes every reader of a load's numbers needs. */
export function loadNotes(load: LoadResult): string[] {
  const notes: string[] = [];
  if (load.errors > 0) {
    notes.push(
      `${load.errors} requests failed (${load.timeouts} timeouts)` +
        (load.errorSamples.length ? `: ${[...new Set(load.errorSamples)].join('; ')}` : ''),
    );
  }
  if (load.non2xx > 0) {
    const codes = Object.entries(load.statusCodes)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, n]) => `${n}× ${code}`);
    notes.push(`${load.non2xx} non-2xx answers (${codes.join(', ')})`);
  }
  if (load.loadgenCpuPercent >= 90) {
    notes.push(`load generator at ${load.loadgenCpuPercent}% of its core: this rate may be its limit`);
  }
  return notes;
}
