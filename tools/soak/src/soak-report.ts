import { cpus, loadavg } from 'node:os';

import {
  ETCD_COMPACTION,
  ETCD_SNAPSHOT_COUNT,
  GATEWAY_NEAR_BYTES,
  GROUP_TTL,
  LONGEST_TTL_S,
  SCORES_BUDGET_BYTES,
  SDK_NEAR_BYTES,
} from './soak-cluster';
import { MIN_JUDGED_POINTS, RSS_PEAK_WINDOWS } from './series-rules';
import { judgementTable } from './report-table';
import type { SoakResult } from './soak-run';

const mib = (bytes: number) => `${+(bytes / 2 ** 20).toFixed(2)} MiB`;

/** The load's outcome per operation kind, as a Markdown table. */
export function loadTable(result: SoakResult): string {
  const lines = ['| operation | ok | not found | errors |', '| --- | --- | --- | --- |'];
  for (const [kind, t] of Object.entries(result.load.byKind))
    lines.push(`| ${kind} | ${t.ok} | ${t.notFound} | ${t.errors} |`);
  return lines.join('\n');
}

/** The whole report of a soak, in Markdown: the setup, the run's checks, the load, and the series table. */
export function soakReport(result: SoakResult): string {
  const { options } = result;
  const setup = [
    `- started ${result.startedAt}, load ran ${result.durationS.toFixed(0)} s, a sample every ${options.intervalMs / 1_000} s`,
    `- machine: ${cpus().length} cores, Node ${process.version}, load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
    `- cluster: 1 etcd member (auto-compaction ${ETCD_COMPACTION}, a snapshot every ${ETCD_SNAPSHOT_COUNT.toLocaleString('en-US')} entries), MariaDB (scratch database, \`item\` table with ${Math.floor(options.keys * 0.75).toLocaleString('en-US')} rows), 3 cache nodes over gRPC, a gateway, a ttl-worker, and the SDK client in this process`,
    `- budgets: soak group ${mib(options.budgetBytes)} + scores ${mib(SCORES_BUDGET_BYTES)} per node, gateway near cache ${mib(GATEWAY_NEAR_BYTES)}, SDK near cache ${mib(SDK_NEAR_BYTES)}; group TTL ${GROUP_TTL}`,
    `- load: ${options.rate} ops/s, at most ${options.concurrency} in flight, ${options.keys.toLocaleString('en-US')} keys (seed ${options.seed}); ${result.load.skipped} operations skipped while the limit was in flight`,
    `- warm-up: the first ${options.warmUpShare * 100} % of the run, or until every node evicts plus the longest TTL (${LONGEST_TTL_S} s) if later: ${result.warmUpEndS === undefined ? 'never ended' : `${result.warmUpEndS.toFixed(0)} s`}; trends are least-squares lines over the samples after it (at least ${MIN_JUDGED_POINTS}); RSS's through the highest sample of each of ${RSS_PEAK_WINDOWS} equal spans of that time`,
  ];
  const checks = result.checks.map((c) => `- ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
  const errors = result.load.firstErrors.length
    ? ['', 'First errors:', ...result.load.firstErrors.map((e) => `- ${e}`)]
    : [];
  const misses = result.misses.length ? ['', 'Samples not read:', ...result.misses.map((m) => `- ${m}`)] : [];
  return [
    `## Soak: ${result.ok ? 'passed' : 'FAILED'}`,
    '',
    ...setup,
    '',
    ...checks,
    '',
    judgementTable(result.judgements),
    '',
    loadTable(result),
    ...errors,
    ...misses,
    '',
  ].join('\n');
}
