import { markdownTable } from '../measure';
import type { HttpRow } from '../scenarios/http-row';
import { checkTargets, ratio } from './targets';

const UNMEASURED = { skipped: 'skipped', failed: 'FAILED' } as const;

/** `12,345` */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function formatRatio(value: number | undefined): string {
  return value === undefined ? '—' : `${value.toFixed(2)}×`;
}

/** The target cell of a row: e.g. `≥ 0.80× (a): ✗ 0.41×`, or empty when no target applies. */
function targetCell(rows: HttpRow[], row: HttpRow): string {
  return checkTargets(rows)
    .filter((check) => check.rowId === row.id)
    .map((check) => {
      const label = `≥ ${check.goal.toFixed(2)}× ${check.against === 'bare' ? '(a)' : '(b)'}`;
      return check.ratio === undefined
        ? `${label}: no baseline`
        : `${label}: ${check.met ? '✓' : '✗'} ${formatRatio(check.ratio)}`;
    })
    .join('; ');
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
        row.kind === 'baseline-redis'
          ? '1.00×'
          : row.kind === 'baseline-bare'
            ? '—'
            : formatRatio(ratio(rows, row, 'redis')),
        targetCell(rows, row),
        `${row.serverCpuPercent ?? '?'}% / ${Math.round(load.loadgenCpuPercent)}%`,
        notes,
      ];
    }),
  );
}

/** One line on the cold path: how fast each front served every key once, cold, during its warm-up. */
export function coldFillLine(rows: HttpRow[]): string {
  const parts = rows
    .filter((row) => row.coldFill)
    .map((row) => {
      const fill = row.coldFill as NonNullable<HttpRow['coldFill']>;
      const name = row.name.replace(/, 10,000 keys uniform$/, '');
      const failed = fill.errors + fill.non2xx;
      return `${name}: ${formatCount(fill.rps)}/s${failed ? ` (**${failed} failed**)` : ''}`;
    });
  return parts.length
    ? `Cold fill (every key once, 32 at a time, each a database read): ${parts.join('; ')}.`
    : '';
}
