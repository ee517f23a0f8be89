import { markdownTable } from '../measure';
import type { HttpRow } from '../scenarios/http-row';
import { formatCount } from './http-table';
import { checkTargets, describeCheck, ratioTo } from './targets';

/** Which Redis row a write row is compared with: SET for stores, DEL for deletes. */
function redisBaseline(row: HttpRow): string {
  return /delete|del$/.test(row.id) ? 'redis-del' : 'redis-set-ttl';
}

/**
 * The Markdown table of the write rows: writes (entries for a batch) per second, latency, failures, the
 * ratio to the Redis front's SET or DEL of the same run, and the targets.
 */
export function writesTable(rows: HttpRow[]): string {
  const checks = checkTargets(rows);
  return markdownTable(
    [
      'row',
      'writes/s',
      'p50 ms',
      'p99 ms',
      'errors',
      'non-2xx',
      '× Redis',
      'target',
      'CPU srv / gen',
      'notes',
    ],
    rows.map((row) => {
      const notes = row.notes.join('; ').replace(/\|/g, '\\|');
      const load = row.load;
      if (row.status !== 'measured' || !load)
        return [
          row.name,
          row.status === 'skipped' ? 'skipped' : 'FAILED',
          '—',
          '—',
          '—',
          '—',
          '—',
          '',
          '—',
          notes,
        ];
      const ratio = row.kind === 'baseline-redis' ? 1 : ratioTo(rows, row, redisBaseline(row));
      return [
        row.name,
        formatCount(load.rps * (row.perRequest ?? 1)),
        String(load.latencyMs.p50),
        String(load.latencyMs.p99),
        load.errors ? `**${formatCount(load.errors)}**` : '0',
        load.non2xx ? `**${formatCount(load.non2xx)}**` : '0',
        ratio === undefined ? '—' : `${ratio.toFixed(2)}×`,
        checks
          .filter((check) => check.rowId === row.id)
          .map(describeCheck)
          .join('; '),
        `${row.serverCpuPercent ?? '?'}% / ${Math.round(load.loadgenCpuPercent)}%`,
        notes,
      ];
    }),
  );
}
