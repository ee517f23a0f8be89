import { markdownTable } from '../measure';
import type { StalenessRow } from '../scenarios/staleness.scenario';

/** Target of the near-cache staleness p99 on loopback, ms. */
const P99_GOAL_MS = 10;

/** The Markdown table of the staleness rows: percentiles, the target, and own-write misses. */
export function stalenessTable(rows: StalenessRow[]): string {
  return markdownTable(
    [
      'reader',
      'writes',
      'p50 ms',
      'p99 ms',
      'max ms',
      `target p99 ≤ ${P99_GOAL_MS} ms`,
      'p99 ms until answered',
      'own-write misses',
      'notes',
    ],
    rows.map((row) => {
      const notes = row.notes.join('; ').replace(/\|/g, '\\|');
      if (row.status !== 'measured') return [row.name, '—', '—', '—', '—', '', '—', '—', `FAILED: ${notes}`];
      return [
        row.name,
        String(row.writes),
        String(row.p50Ms),
        String(row.p99Ms),
        String(row.maxMs),
        (row.p99Ms ?? Infinity) <= P99_GOAL_MS ? '✓' : '✗',
        String(row.answeredP99Ms),
        String(row.ownWriteMisses),
        notes,
      ];
    }),
  );
}
