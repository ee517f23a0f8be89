import { markdownTable } from '../measure';
import type { HttpRow } from '../scenarios/http-row';
import { checkTargets, describeCheck, ratio, ratioTo } from './targets';

const UNMEASURED = { skipped: 'skipped', failed: 'FAILED' } as const;

/** `12,345` */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function formatRatio(value: number | undefined): string {
  return value === undefined ? '—' : `${value.toFixed(2)}×`;
}

/** The warm-rate targets of a row: e.g. `≥ 0.80× (a): ✗ 0.41×`, or empty when none applies. */
function targetCell(rows: HttpRow[], row: HttpRow): string {
  return checkTargets(rows)
    .filter((check) => check.rowId === row.id && check.metric === 'rps')
    .map(describeCheck)
    .join('; ');
}

/**
 * The × (b) cell: (b) itself is 1.00×; (a) answers no key, so it has no (b) of its pattern; every other
 * row (ringcache, golang/groupcache) is compared with the Redis row of its own key pattern.
 */
function redisRatioCell(rows: HttpRow[], row: HttpRow): string {
  if (row.kind === 'baseline-redis') return '1.00×';
  if (row.kind === 'baseline-bare') return '—';
  return formatRatio(ratio(rows, row, 'redis'));
}

/** The Markdown table of the HTTP rows: rate, latency, failures, ratios to (a) and (b), targets, notes. */
export function httpTable(rows: HttpRow[]): string {
  return markdownTable(
    [
      'row',
      'req/s',
      'p50 ms',
      'p99 ms',
      'errors',
      'non-2xx',
      '× (a)',
      '× (b)',
      'target',
      'CPU srv / gen',
      'notes',
    ],
    rows.map((row) => {
      const load = row.load;
      const notes = row.notes.join('; ').replace(/\|/g, '\\|') || '';
      if (row.status !== 'measured' || !load) {
        return [
          row.name,
          UNMEASURED[row.status as keyof typeof UNMEASURED],
          '—',
          '—',
          '—',
          '—',
          '—',
          '—',
          '',
          '—',
          notes,
        ];
      }
      return [
        row.name,
        formatCount(load.rps),
        String(load.latencyMs.p50),
        String(load.latencyMs.p99),
        load.errors ? `**${formatCount(load.errors)}**` : '0',
        load.non2xx ? `**${formatCount(load.non2xx)}**` : '0',
        row.kind === 'baseline-bare' ? '1.00×' : formatRatio(ratio(rows, row, 'bare')),
        redisRatioCell(rows, row),
        targetCell(rows, row)
          .replace(/; [^;]* cold: [^;]*/g, '')
          .replace(/^[^;]* cold: [^;]*(; )?/, ''),
        `${row.serverCpuPercent ?? '?'}% / ${Math.round(load.loadgenCpuPercent)}%`,
        notes,
      ];
    }),
  );
}

/**
 * The cold passes of each front (cold-passes.ts): every key once, 64 at a time, each a database read — the
 * rate over the rows' keys on warmed processes, its ratio to the Redis front's and the cold targets, how many
 * passes over other keys warmed the processes, and the rate of the first of them, on the fresh processes;
 * last, the load generator's CPU over the cold pass (near 100% of its core, it set the rate itself).
 */
export function coldFillTable(rows: HttpRow[]): string {
  const filled = rows.filter((row) => row.coldFill);
  if (filled.length === 0) return '';
  const checks = checkTargets(rows).filter((check) => check.metric === 'coldFill');
  return markdownTable(
    [
      'front',
      'keys/s',
      'failed',
      '× (b) cold',
      'target',
      'warming passes',
      'fresh processes: keys/s',
      '× (b) fresh',
      'gen CPU',
    ],
    filled.map((row) => {
      const fill = row.coldFill as NonNullable<HttpRow['coldFill']>;
      const failed = fill.errors + fill.non2xx;
      return [
        row.name.replace(/, 10,000 keys uniform$/, ''),
        formatCount(fill.rps),
        failed ? `**${failed}**` : '0',
        row.kind === 'baseline-redis'
          ? '1.00×'
          : formatRatio(ratioTo(rows, row, 'redis-uniform', 'coldFill')),
        checks
          .filter((check) => check.rowId === row.id)
          .map(describeCheck)
          .join('; '),
        row.warmingPasses === undefined ? '—' : String(row.warmingPasses),
        row.freshFill ? formatCount(row.freshFill.rps) : '—',
        row.kind === 'baseline-redis'
          ? '1.00×'
          : formatRatio(ratioTo(rows, row, 'redis-uniform', 'freshFill')),
        `${Math.round(fill.loadgenCpuPercent)}%`,
      ];
    }),
  );
}
