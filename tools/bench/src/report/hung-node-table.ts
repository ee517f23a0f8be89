import { markdownTable } from '../measure';
import { HUNG_TARGETS } from '../scenarios/hung-node-figures';
import type { HungRow } from '../scenarios/hung-node.scenario';
import { formatCount } from './http-table';

/** A figure against its target: e.g. `✓ 3,012 ms (≤ 4,000)`; `—` when the window had no request. */
function against(ms: number | undefined, met: boolean | undefined, goal: number): string {
  if (ms === undefined) return '—';
  return `${met ? '✓' : '✗'} ${formatCount(Math.round(ms))} ms (≤ ${formatCount(goal)})`;
}

/** The Markdown table of the hung-node rows. */
export function hungNodeTable(rows: HungRow[]): string {
  return markdownTable(
    [
      'stopped node',
      'load',
      'requests during the stop',
      'errors (non-200, whole run)',
      'p99 before the stop (ended before it)',
      'longest, in flight at the stop or started in the first second',
      'p99, 1 s after the stop to SIGCONT',
      'notes',
    ],
    rows.map((row) => {
      const notes = row.notes.join('; ').replace(/\|/g, '\\|');
      const load = `${row.connections} loops over its ${row.keys} keys`;
      const f = row.figures;
      if (row.status !== 'measured' || !f) {
        return [`${row.victim}, ${row.stopSec} s`, load, '—', '—', '—', '—', '—', `${row.status}: ${notes}`];
      }
      return [
        `${row.victim}, ${row.stopSec} s`,
        load,
        formatCount(f.duringStop),
        f.errors ? `**${formatCount(f.errors)}**` : '0',
        f.beforeP99Ms === undefined ? '—' : `${formatCount(Math.round(f.beforeP99Ms))} ms`,
        against(f.firstSecondMaxMs, f.firstSecondMet, HUNG_TARGETS.firstSecondMaxMs),
        against(f.steadyP99Ms, f.steadyMet, HUNG_TARGETS.steadyP99Ms),
        notes,
      ];
    }),
  );
}
