import { ENTRY_OVERHEAD_BYTES } from '@ringcache/cache-core';

import { markdownTable } from '../measure';
import type { MemoryRow } from '../scenarios/memory.scenario';
import { formatCount } from './http-table';

function mib(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The memory targets: RSS growth per budget with 1 KiB values, by budget. */
const GOALS: Record<number, { goal: number; moonshot?: number }> = {
  [256 * 2 ** 20]: { goal: 1.5 },
  [2 ** 30]: { goal: 1.3, moonshot: 1.1 },
};

/** The target cell of a row: e.g. `≤ 1.30×: ✓ (moonshot ≤ 1.10×: ✓)`, or empty. */
function targetCell(row: MemoryRow): string {
  const goal = row.valueBytes === 1_024 ? GOALS[row.budgetBytes] : undefined;
  const ratio = row.rssGrowthPerBudget;
  if (!goal || ratio === undefined) return '';
  const mark = (limit: number) => `≤ ${limit.toFixed(2)}×: ${ratio <= limit ? '✓' : '✗'}`;
  return goal.moonshot ? `${mark(goal.goal)} (moonshot ${mark(goal.moonshot)})` : mark(goal.goal);
}

/** The Markdown table of the memory rows: RSS before and after two fills, the cache gauge, growth per budget. */
export function memoryTable(rows: MemoryRow[]): string {
  return markdownTable(
    [
      'node',
      'RSS before',
      'after fill',
      'after 2nd fill',
      'cache gauge',
      'items',
      'evictions',
      'V8 heap used',
      'external',
      'RSS / entry (counted)',
      'fill keys/s',
      'RSS growth / budget',
      'target',
      'notes',
    ],
    rows.map((row) => {
      const notes = row.notes.join('; ').replace(/\|/g, '\\|');
      if (row.status !== 'measured') return [row.name, ...Array(12).fill('—'), `FAILED: ${notes}`];
      const counted = row.valueBytes + 8 + ENTRY_OVERHEAD_BYTES;
      return [
        row.name,
        mib(row.rssBeforeBytes),
        mib(row.rssAfterBytes),
        mib(row.rssAfterSecondFillBytes),
        mib(row.cacheBytes),
        formatCount(row.cacheItems ?? 0),
        formatCount(row.evictions ?? 0),
        mib(row.heapUsedBytes),
        mib(row.externalBytes),
        `${row.rssPerEntryBytes === undefined ? '?' : formatCount(row.rssPerEntryBytes)} B (${formatCount(counted)} B)`,
        row.fill ? formatCount(row.fill.rps) : '?',
        row.rssGrowthPerBudget === undefined ? '?' : `${row.rssGrowthPerBudget.toFixed(2)}×`,
        targetCell(row),
        notes,
      ];
    }),
  );
}
