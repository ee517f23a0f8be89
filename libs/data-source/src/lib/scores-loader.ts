import type { DataSource } from 'typeorm';

import { DEMO_TABLE } from './demo-data';
import { type RowLoader, rowLoader } from './row-loader';

/** Options of {@link scoresLoader}. */
export interface ScoresLoaderOptions {
  /** Table with the demo layout (name, score). Default `student`. */
  table?: string;
  /** MySQL: deadline of one load in ms. Default: the DataSource's connectTimeout. */
  timeoutMs?: number;
}

/**
 * The loader of the demo group `scores`: a student's name → their score as decimal text bytes
 * (`Tom` → "630"); an unknown name is not found.
 */
export function scoresLoader(dataSource: DataSource, options: ScoresLoaderOptions = {}): RowLoader {
  return rowLoader({
    dataSource,
    table: options.table ?? DEMO_TABLE,
    keyColumn: 'name',
    valueColumn: 'score',
    timeoutMs: options.timeoutMs,
  });
}
