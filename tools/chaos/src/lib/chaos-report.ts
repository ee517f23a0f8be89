import type { FaultRecord } from './faults/fault-injector';
import type { ChaosResult } from './run-chaos';

const ms = (value: number) => `${Math.round(value)} ms`;

/** How many of each fault kind, e.g. `node-kill ×2, etcd-stop ×1`. */
function faultCounts(faults: readonly FaultRecord[]): string {
  const counts = new Map<string, number>();
  for (const f of faults) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind} ×${n}`).join(', ') || 'none';
}

/** The run's result as a markdown table, then the faults and examples of every violation. */
export function formatChaosReport(result: ChaosResult): string {
  const { report, faults } = result;
  const s = report.staleness;
  const failedFaults = faults.filter((f) => f.error);
  const rows: [string, string][] = [
    ['seed', String(result.seed)],
    ['duration', `${Math.round(result.durationMs / 1_000)} s`],
    ['faults', `${faults.length}: ${faultCounts(faults)}`],
    ['operations', String(report.operations)],
    ['errors inside fault windows', String(report.errorsInside)],
    ['errors outside fault windows', String(report.errorsOutside)],
    [
      'staleness p50 / p99 / max',
      `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)} (${s.staleReads} stale reads, ${s.writes} writes)`,
    ],
    ['longest request', ms(report.longestMs)],
    ...report.checks.map((c): [string, string] => [
      `check: ${c.name}`,
      c.passed ? 'passed' : `FAILED (${c.violations})`,
    ]),
    [
      'check: faults injected and recovered',
      failedFaults.length ? `FAILED (${failedFaults.length})` : 'passed',
    ],
    ['result', result.passed ? 'PASSED' : 'FAILED'],
  ];
  const lines = ['| what | value |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
  const base = faults[0]?.start ?? 0;
  if (faults.length) {
    lines.push('', '| fault | target | at | recovered after |', '| --- | --- | --- | --- |');
    for (const f of faults)
      lines.push(
        `| ${f.kind} | ${f.target} | +${((f.start - base) / 1_000).toFixed(1)} s | ${((f.recoveredAt - f.start) / 1_000).toFixed(1)} s${f.error ? ` (${f.error})` : ''} |`,
      );
  }
  for (const check of report.checks.filter((c) => !c.passed))
    lines.push('', `${check.name}, e.g.:`, ...check.examples.map((e) => `- ${e}`));
  return lines.join('\n');
}
