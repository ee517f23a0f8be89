import { libsTable } from '../libs.bench';
import type { BenchReport } from './bench-report';
import { expiryTable, membershipTable, ringRebuildTable } from './cluster-behaviour-table';
import { coldFillLine, httpTable } from './http-table';
import { memoryTable } from './memory-table';
import { stampedeTable } from './stampede-table';

/** The whole report as Markdown: the conditions of the run first, then one table per scenario. */
export function markdownReport(report: BenchReport): string {
  const { machine, settings } = report;
  return [
    `# ringcache benchmarks: all${report.quick ? ' (quick)' : ''} — ${report.startedAt}`,
    '',
    `- machine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}, ${machine.platform}, ` +
      `load average at start ${machine.loadAverage.join(' / ')}, at end ${report.loadAverageAtEnd.join(' / ')}`,
    `- pinning: ${report.pinning.note}`,
    `- load: autocannon, ${settings.connections} connections, ${settings.warmupSec} s warm-up + ` +
      `${settings.durationSec} s measured per row, 1 KiB values; (a) = bare node:http, (b) = Redis front ` +
      'with the same key pattern; ratios are of req/s',
    '',
    '## HTTP fronts',
    '',
    httpTable(report.http),
    '',
    'CPU srv / gen: CPU of the processes we started for the row (gateway + nodes, or the baseline server; ' +
      'not redis-server), then of the load generator, in % of one core over the measured part.',
    '',
    coldFillLine(report.http),
    '',
    `## Cold stampede: ${settings.stampede.toLocaleString('en-US')} concurrent requests for one cold key`,
    '',
    stampedeTable(report.stampede),
    '',
    '## Memory: one node filled past its byte budget',
    '',
    memoryTable(report.memory),
    '',
    '## Membership: a node leaves (3 nodes + gateway on one etcd member)',
    '',
    membershipTable(report.membership),
    '',
    '## Ring rebuild on a membership change',
    '',
    ringRebuildTable(report.rings),
    '',
    '## Active expiry (3 nodes, 2 ttl-workers, one etcd member)',
    '',
    expiryTable(report.expiry),
    '',
    'Lateness is removal time − expiry time from the nodes\' `ringcache_expiry_lateness_seconds` histogram, ' +
      'so percentiles are bucket bounds.',
    '',
    '## Libraries',
    '',
    libsTable(report.libs),
    '',
    `wall time ${report.wallSec} s`,
  ].join('\n');
}
