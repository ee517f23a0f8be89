import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { stopAllProcesses } from '@ringcache/testing';

import { benchSettings, type BenchContext } from '../bench-context';
import { datasetRows } from '../data/keys';
import { writeSqliteDataset } from '../data/sqlite-dataset';
import { onInterrupt, stopChildrenOnSignals } from '../env/cleanup';
import { pinPlan, pinSelfToServerCores } from '../env/cpu-pinning';
import { pinRedisServer } from '../env/redis-pinning';
import { CoreSpeed, noteSlowMachine } from '../env/cpu-probe';
import { machineFacts } from '../env/machine';
import { benchLibs } from '../libs.bench';
import { anyFailed, type BenchReport } from '../report/bench-report';
import { markdownReport } from '../report/markdown-report';
import { fileTimestamp, writeResultFile } from '../report/result-file';
import { checkTargets } from '../report/targets';
import { bareHttpRows } from '../scenarios/bare-http.scenario';
import { clusterRows } from '../scenarios/cluster.scenario';
import { expiryRow } from '../scenarios/expiry.scenario';
import { groupcacheRows } from '../scenarios/groupcache.scenario';
import { hopRows } from '../scenarios/hop.scenario';
import { hungNodeRow } from '../scenarios/hung-node.scenario';
import { mariadbStampedeRow } from '../scenarios/mariadb-stampede.scenario';
import { PairBaselines } from '../scenarios/pair-baselines';
import { membershipRows } from '../scenarios/membership.scenario';
import { memoryRows } from '../scenarios/memory.scenario';
import { redisFrontRows } from '../scenarios/redis-front.scenario';
import { stalenessRows } from '../scenarios/staleness.scenario';
import { writeRows } from '../scenarios/writes.scenario';
import { ringRebuildRows } from '../scenarios/ring-rebuild.scenario';
import { tlsRows } from '../scenarios/tls.scenario';
import { libsMeasureOptions } from './libs.suite';

/** The scenarios of the suite, by the names `--only` takes. */
export const SCENARIOS = [
  'libs',
  'hop',
  'bare',
  'redis',
  'groupcache',
  'grpc',
  'http',
  'writes',
  'mariadb',
  'memory',
  'rings',
  'membership',
  'expiry',
  'hung',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The scenarios that measure the Redis front (baseline (b)), or against it. */
const REDIS_SCENARIOS: readonly Scenario[] = ['redis', 'grpc', 'http', 'writes'];

/**
 * `main.js all`: every scenario of the issue, in one run, against baselines measured in the same run.
 * Scenarios run one after another, each starting and stopping its own processes; a failing scenario
 * gives failed rows and the others still run. `only` runs just the named scenarios (their tables alone). Prints the report (Markdown) to stdout, progress to
 * stderr, writes `<out>/<timestamp>.json`, and returns false when any scenario failed.
 */
export async function runAllSuite(quick: boolean, out: string, only?: Set<string>): Promise<boolean> {
  const started = Date.now();
  const startedAt = new Date(started);
  stopChildrenOnSignals();
  const settings = benchSettings(quick);
  const pins = pinPlan();
  const machine = machineFacts();
  pinSelfToServerCores(pins);
  const wanted = (name: Scenario) => only === undefined || only.has(name);
  // Baseline (b)'s cache shares the server cores with its front, as the nodes share them with the gateway;
  // moved only for a run that measures against it (its own rows, the read targets, the write targets).
  const redisPin = REDIS_SCENARIOS.some(wanted)
    ? await pinRedisServer(pins)
    : { note: 'redis-server not moved (no scenario of this run uses Redis)', restore: () => undefined };
  onInterrupt(() => redisPin.restore());
  const workDir = mkdtempSync(join(tmpdir(), 'ringcache-bench-'));
  onInterrupt(() => rmSync(workDir, { recursive: true, force: true }));
  const base: Omit<BenchContext, 'pairs'> = {
    settings,
    pins,
    workDir,
    sqlitePath: join(workDir, 'bench.sqlite'),
    // Quick runs (CI's smoke run) measure as they find the machine; full runs wait up to 30 s a row.
    coreSpeed: new CoreSpeed(quick ? 0 : 30_000),
    progress: (message) =>
      console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`),
  };
  const pairs = new PairBaselines(base);
  const context: BenchContext = { ...base, pairs };
  try {
    const coldBase = settings.keys;
    const rows = datasetRows(settings.keys);
    context.progress(`writing ${rows} rows of 1 KiB to ${context.sqlitePath}`);
    writeSqliteDataset(context.sqlitePath, rows);
    context.progress('libraries table');
    const libs = wanted('libs') ? await benchLibs(libsMeasureOptions(quick)) : [];
    const hop = wanted('hop') ? await hopRows(context) : [];
    const bare = wanted('bare') ? await bareHttpRows(context) : [];
    const redis = wanted('redis') ? await redisFrontRows(context) : { reads: [], writes: [] };
    const groupcache = wanted('groupcache') ? await groupcacheRows(context) : [];
    const grpc = wanted('grpc') ? await clusterRows(context, 'grpc', coldBase) : undefined;
    const http = wanted('http') ? await clusterRows(context, 'http', coldBase + 1) : undefined;
    // Mutual TLS on the same hop, each row beside its plaintext twin above.
    const grpcTls = grpc ? await tlsRows(context, 'grpc', grpc.http) : [];
    const httpTls = http ? await tlsRows(context, 'http', http.http) : [];
    const mariadb = wanted('mariadb') ? await mariadbStampedeRow(context, coldBase + 2) : undefined;
    const memory = wanted('memory') ? await memoryRows(context) : [];
    const rings = wanted('rings') ? ringRebuildRows(quick) : [];
    const membership = wanted('membership') ? await membershipRows(context) : [];
    const expiry = wanted('expiry') ? await expiryRow(context) : undefined;
    const hung = wanted('hung') ? [await hungNodeRow(context)] : [];
    const writes = wanted('writes') ? await writeRows(context) : [];
    const staleness = wanted('writes') ? await stalenessRows(context) : [];
    const writeRowsAll = [...redis.writes, ...writes];
    const httpRows = [
      ...bare,
      ...redis.reads,
      ...groupcache,
      ...(grpc?.http ?? []),
      ...grpcTls,
      ...(http?.http ?? []),
      ...httpTls,
    ];
    const cpuProbe = noteSlowMachine([...httpRows, ...writeRowsAll]);
    const report: BenchReport = {
      suite: 'all',
      quick,
      startedAt: startedAt.toISOString(),
      wallSec: Math.round((Date.now() - started) / 1000),
      machine,
      loadAverageAtEnd: loadavg().map((n) => Math.round(n * 100) / 100),
      cpuProbe,
      pinning: { ...pins, note: `${pins.note}; ${redisPin.note}` },
      settings,
      http: httpRows,
      writes: writeRowsAll,
      staleness,
      targets: [...checkTargets(httpRows), ...checkTargets(writeRowsAll)],
      stampede: [grpc?.stampede, http?.stampede, mariadb].filter((row) => row !== undefined),
      memory,
      libs,
      hop,
      rings,
      membership,
      expiry,
      hung,
    };
    console.log(markdownReport(report));
    console.log(`wrote ${writeResultFile(out, fileTimestamp(startedAt), report)}`);
    return !anyFailed(report);
  } finally {
    await pairs.stop();
    await stopAllProcesses();
    redisPin.restore();
    rmSync(workDir, { recursive: true, force: true });
  }
}
