import { markdownTable } from '../measure';
import type { ExpiryRow } from '../scenarios/expiry.scenario';
import type { ConvergenceRow } from '../scenarios/membership.scenario';
import type { RingRebuildRow } from '../scenarios/ring-rebuild.scenario';
import { formatCount } from './http-table';

function cell(notes: string[]): string {
  return notes.join('; ').replace(/\|/g, '\\|');
}

/** Ring rebuild times: what each process spends on one membership change. */
export function ringRebuildTable(rows: RingRebuildRow[]): string {
  return markdownTable(
    ['members', 'virtual nodes each', 'rebuild (median)', 'runs'],
    rows.map((r) => [
      formatCount(r.members),
      String(r.vnodes),
      `${r.medianMs.toFixed(1)} ms`,
      String(r.runs),
    ]),
  );
}

/** Membership convergence: signal to a node → gone from every other ring. */
export function membershipTable(rows: ConvergenceRow[]): string {
  return markdownTable(
    ['signal', 'lease TTL', 'median', 'rounds (ms)', 'result', 'notes'],
    rows.map((r) => [
      r.signal,
      `${r.leaseTtlSeconds} s`,
      r.medianMs === undefined ? '—' : `${Math.round(r.medianMs)} ms`,
      r.roundsMs.map((ms) => String(Math.round(ms))).join(', '),
      r.status,
      cell(r.notes),
    ]),
  );
}

function seconds(value: number | undefined): string {
  if (value === undefined) return '—';
  return value === Infinity ? '> largest bucket' : `≤ ${value} s`;
}

/** Active expiry: lateness percentiles (bucket bounds) and the write rate that filled the cache. */
export function expiryTable(row: ExpiryRow): string {
  return markdownTable(
    [
      'keys',
      'TTLs over',
      'sets/s (64 at a time)',
      'removed on time',
      'lateness p50',
      'lateness p99 (target ≤ 1.1 s)',
      '≤ 1.1 s late',
      'result',
      'notes',
    ],
    [
      [
        formatCount(row.keys),
        `${row.spreadSec} s`,
        row.setsPerSec === undefined ? '—' : formatCount(row.setsPerSec),
        row.removed === undefined ? '—' : formatCount(row.removed),
        seconds(row.p50Sec),
        seconds(row.p99Sec),
        row.within1_1s === undefined ? '—' : `${(row.within1_1s * 100).toFixed(2)} %`,
        row.status,
        cell(row.notes),
      ],
    ],
  );
}
