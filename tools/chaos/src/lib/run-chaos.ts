import { createPool } from 'mysql2/promise';

import { RingcacheClient } from '@ringcache/client';
import { sleep } from '@ringcache/testing';

import { CHAOS_CLUSTER, CHAOS_GROUP, startChaosCluster } from './cluster/chaos-cluster';
import { injectFault, type FaultRecord } from './faults/fault-injector';
import { FAULT_KINDS, planFaults, type FaultKind } from './faults/fault-plan';
import { checkHistory, type CheckReport } from './history/checker';
import { History } from './history/operation';
import { gatewayEntryPoint, sdkEntryPoint } from './workload/entry-point';
import { Workload } from './workload/workload';

/** The cluster's peer deadline (peers.deadlineMs, its default): a request may take this + 1 s. */
export const DEADLINE_MS = 3_000;

/**
 * How long after a fault's recovery errors still count as the fault's: two lease TTLs (3 s) for every
 * ring to drop or take back a node, plus the first skip of a peer that failed while down (5 s).
 */
export const GRACE_MS = 10_000;

/** The kinds of a short run (the end-to-end suite). */
export const SHORT_KINDS: readonly FaultKind[] = [
  'node-kill',
  'node-stop',
  'etcd-leader-kill',
  'mariadb-stop',
];

/** Options of {@link runChaos}. */
export interface ChaosOptions {
  seed: number;
  durationMs: number;
  /** A compressed schedule: the four short kinds, short holds, gaps of the grace only. */
  short?: boolean;
  /** Concurrent client loops per entry point (two gateways, the SDK). Default 4. */
  workersPerEntry?: number;
  /** Pause between one loop's operations, ms. Default 20. */
  paceMs?: number;
  /** Keys in all; 30 % are table-backed. Default 1,000. */
  keys?: number;
  log?: (line: string) => void;
}

/** What a chaos run did and what the checker found. */
export interface ChaosResult {
  seed: number;
  durationMs: number;
  faults: FaultRecord[];
  report: CheckReport;
  /** Every check passed and every fault was injected and recovered from. */
  passed: boolean;
}

/** Starts the cluster, runs the workload under the seeded faults for the duration, checks the history. */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const keyCount = options.keys ?? 1_000;
  const tableCount = Math.round(keyCount * 0.3);
  const table = Array.from({ length: tableCount }, (_, i) => `t${i}`);
  const plain = Array.from({ length: keyCount - tableCount }, (_, i) => `p${i}`);
  const rows = new Map(table.map((key) => [key, `init:${key}$`]));
  const chaos = await startChaosCluster({ rows, log });
  const history = new History();
  const sdk = new RingcacheClient({
    etcd: { endpoints: chaos.etcd.endpoints, cluster: CHAOS_CLUSTER },
    deadlineMs: DEADLINE_MS,
    nearCache: { maxBytes: 4 << 20 },
    logger: { log: () => undefined, warn: (message) => log(`sdk: ${message}`) },
  });
  const pool = createPool({ uri: chaos.mysql.url, connectionLimit: 8, connectTimeout: 2_000 });
  pool.on('connection', (c) => c.on('error', () => undefined));
  const faults: FaultRecord[] = [];
  try {
    await sdk.ready();
    const workload = new Workload({
      entries: [
        ...chaos.gateways.map((g, i) => gatewayEntryPoint(`gateway${i + 1}`, g.url, CHAOS_GROUP, 15_000)),
        sdkEntryPoint('sdk', sdk, CHAOS_GROUP),
      ],
      workersPerEntry: options.workersPerEntry ?? 4,
      keys: { table, plain },
      db: pool,
      history,
      seed: options.seed,
      paceMs: options.paceMs ?? 20,
    });
    const began = history.now();
    const endsAt = began + options.durationMs;
    workload.start();
    log(`workload running; seed ${options.seed}, ${options.durationMs / 1_000} s`);
    const plan = planFaults({
      seed: options.seed,
      count: 1_000,
      kinds: options.short ? SHORT_KINDS : FAULT_KINDS,
      nodes: chaos.plainNodes,
      proxiedNode: chaos.proxied.node.name,
      gapMs: options.short ? [GRACE_MS, GRACE_MS] : [GRACE_MS + 5_000, GRACE_MS + 20_000],
      short: options.short,
    });
    await sleep(options.short ? 5_000 : GRACE_MS);
    for (const fault of plan) {
      // A fault starts only when it, its recovery (~5 s) and its gap fit in the time left.
      if (history.now() + fault.holdMs + 5_000 + fault.gapMs > endsAt) break;
      const record = await injectFault(fault, chaos, () => history.now());
      faults.push(record);
      const at = ((record.start - began) / 1_000).toFixed(1);
      const took = ((record.recoveredAt - record.start) / 1_000).toFixed(1);
      log(
        `t=${at}s ${record.kind} ${record.target}: recovered after ${took} s${record.error ? ` — ${record.error}` : ''}`,
      );
      await sleep(fault.gapMs);
    }
    await sleep(Math.max(0, endsAt - history.now()));
    await workload.stop();
  } finally {
    await sdk.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await chaos.stop();
  }
  const report = checkHistory(history.operations, {
    tableKeys: rows,
    deadlineMs: DEADLINE_MS,
    windows: faults.map((f) => ({ name: f.kind, start: f.start, end: f.recoveredAt + GRACE_MS })),
  });
  const passed = report.checks.every((c) => c.passed) && faults.every((f) => !f.error);
  return { seed: options.seed, durationMs: options.durationMs, faults, report, passed };
}
