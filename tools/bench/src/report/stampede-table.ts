import { markdownTable } from '../measure';
import type { StampedeRow } from '../scenarios/stampede.scenario';
import { formatCount } from './http-table';

/** The Markdown table of the cold-stampede rows. */
export function stampedeTable(rows: StampedeRow[]): string {
  return markdownTable(
    [
      'cluster',
      'requests',
      'loads (must be 1)',
      'DB queries',
      'coalesced',
      'time to last answer',
      'p50 / p99 ms',
      'errors',
      'non-2xx',
      'result',
      'notes',
    ],
    rows.map((row) => {
      const notes = row.notes.join('; ').replace(/\|/g, '\\|');
      const load = row.load;
      if (row.status !== 'measured' || !load) {
        return [row.name, formatCount(row.requests), '—', '—', '—', '—', '—', '—', '—', row.status, notes];
      }
      return [
        row.name,
        formatCount(row.requests),
        String(row.loads ?? '?'),
        row.dbQueries === undefined ? 'not counted (SQLite)' : String(row.dbQueries),
        formatCount(row.coalesced ?? 0),
        `${Math.round(load.durationSec * 1000)} ms`,
        `${load.latencyMs.p50} / ${load.latencyMs.p99}`,
        load.errors ? `**${load.errors}**` : '0',
        load.non2xx ? `**${load.non2xx}**` : '0',
        row.pass ? '✓' : '✗',
        notes,
      ];
    }),
  );
}
