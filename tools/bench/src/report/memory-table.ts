import { markdownTable } from '../measure';
import type { MemoryRow } from '../scenarios/memory.scenario';
import { formatCount } from './http-table';

function mib(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The Markdown table of the memory row: RSS before and after, the cache gauge, growth per budget. */
export function memoryTable(row: MemoryRow): string {
  const notes = row.notes.join('; ').replace(/\|/g, '\\|');
  if (row.status !== 'measured') {
    return markdownTable(['node', 'result'], [[row.name, `FAILED: ${notes}`]]);
  }
  return markdownTable(
    [
      'node',
      'budget',
      'RSS before',
      'RSS after',
      'RSS after 2nd fill',
      'cache gauge',
      'items',
      'evictions',
      'V8 heap used',
      'external',
      'RSS growth / budget',
      'notes',
    ],
    [
      [
        row.name,
        mib(row.budgetBytes),
        mib(row.rssBeforeBytes),
        mib(row.rssAfterBytes),
        mib(row.rssAfterSecondFillBytes),
        mib(row.cacheBytes),
        formatCount(row.cacheItems ?? 0),
        formatCount(row.evictions ?? 0),
        mib(row.heapUsedBytes),
        mib(row.externalBytes),
        row.rssGrowthPerBudget === undefined ? '?' : `${row.rssGrowthPerBudget.toFixed(2)}×`,
        notes,
      ],
    ],
  );
}
