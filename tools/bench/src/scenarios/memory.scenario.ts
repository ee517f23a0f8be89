import { setTimeout as sleep } from 'node:timers/promises';

import { ENTRY_OVERHEAD_BYTES } from '@ringcache/cache-core';
import { sumMetric, type TestCluster } from '@ringcache/testing';

import type { BenchContext, MemoryCase } from '../bench-context';
import { BENCH_GROUP } from '../data/keys';
import { rssBytes } from '../env/proc-stats';
import { failureDetail, failureNote } from '../report/failure';
import type { LoadResult } from '../load/load-spec';
import { runLoad } from '../load/run-load';
import { startBenchCluster } from './bench-cluster';
import { loadNotes } from './http-row';

/** What one node's memory did while it was filled past its budget, twice. */
export interface MemoryRow {
  id: string;
  name: string;
  status: 'measured' | 'failed';
  /** The group's configured byte budget (`maxBytes`). */
  budgetBytes: number;
  /** Size of every value stored. */
  valueBytes: number;
  /** Distinct keys stored, each once per fill: 1.5× what the budget holds. */
  keysRequested: number;
  /** RSS of the node process when ready, before any request. */
  rssBeforeBytes?: number;
  /** RSS after the first fill (and a second to settle). */
  rssAfterBytes?: number;
  /** RSS after the same keys were stored a second time: larger than after the first if it leaks. */
  rssAfterSecondFillBytes?: number;
  /** `ringcache_cache_bytes` of the group after the fills: what the cache counts against its budget. */
  cacheBytes?: number;
  /** `ringcache_cache_items` after the fills. */
  cacheItems?: number;
  /** `ringcache_evictions_total` after the fills: above 0 shows the budget was reached. */
  evictions?: number;
  /** The node's V8 heap in use after the fills (`nodejs_heap_size_used_bytes`). */
  heapUsedBytes?: number;
  /** Memory outside the V8 heap after the fills — values live here (`nodejs_external_memory_bytes`). */
  externalBytes?: number;
  /** (RSS after the second fill − RSS before) / budget: the real memory cost of a full budget. */
  rssGrowthPerBudget?: number;
  /** RSS growth per cached entry, to compare with what the budget counts per entry. */
  rssPerEntryBytes?: number;
  fill?: LoadResult;
  notes: string[];
}

/**
 * One node per case (budget × value size), filled through setMany with 1.5× what the budget holds, then
 * filled again with the same keys: RSS growth against the budget — what an operator sizes a container by
 * — and against what the cache counts (key + value + ENTRY_OVERHEAD_BYTES per entry); the second fill
 * tells bounded costs from a leak.
 */
export async function memoryRows(context: BenchContext): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  for (const memoryCase of context.settings.memoryCases) rows.push(await memoryRow(context, memoryCase));
  return rows;
}

async function memoryRow(context: BenchContext, { budgetBytes, valueBytes }: MemoryCase): Promise<MemoryRow> {
  const perEntry = valueBytes + 8 + ENTRY_OVERHEAD_BYTES;
  const keysRequested = Math.ceil((1.5 * budgetBytes) / perEntry);
  const budget = `${budgetBytes / 2 ** 20} MiB`;
  const base = {
    id: `memory-${budgetBytes / 2 ** 20}m-${valueBytes}`,
    name: `1 node, budget ${budget}, ${keysRequested.toLocaleString('en-US')} × ${valueBytes.toLocaleString('en-US')} B values`,
    budgetBytes,
    valueBytes,
    keysRequested,
  };
  context.progress(`memory: one node, budget ${budget}, ${keysRequested} values of ${valueBytes} B, twice`);
  let cluster: TestCluster | undefined;
  try {
    cluster = await startBenchCluster(context, {
      transport: 'http',
      nodes: 1,
      maxBytes: budgetBytes,
      gateway: false,
    });
    const node = cluster.nodes[0];
    await sleep(500);
    const rssBeforeBytes = rssBytes(node.process.pid);
    const nodes = cluster.staticNodes.map(({ name, grpc, http }) => ({ name, grpc, http }));
    const fillOnce = () =>
      runLoad(context, {
        mode: 'fill',
        nodes,
        group: BENCH_GROUP,
        count: keysRequested,
        valueBytes,
        concurrency: 4,
      });
    const fill = await fillOnce();
    await sleep(1_000);
    const rssAfterBytes = rssBytes(node.process.pid);
    await fillOnce();
    await sleep(1_000);
    const rssAfterSecondFillBytes = rssBytes(node.process.pid);
    const samples = (await cluster.metrics()).get(node.name) ?? [];
    const where = { group: BENCH_GROUP };
    const cacheBytes = sumMetric(samples, 'ringcache_cache_bytes', where);
    const cacheItems = sumMetric(samples, 'ringcache_cache_items', where);
    const growth =
      rssBeforeBytes === undefined || rssAfterSecondFillBytes === undefined
        ? undefined
        : rssAfterSecondFillBytes - rssBeforeBytes;
    const notes = loadNotes(fill).filter((note) => !note.startsWith('load generator'));
    if (cacheBytes > budgetBytes)
      notes.push(`cache gauge ${cacheBytes} B is over the ${budgetBytes} B budget`);
    return {
      ...base,
      status: 'measured',
      rssBeforeBytes,
      rssAfterBytes,
      rssAfterSecondFillBytes,
      cacheBytes,
      cacheItems,
      evictions: sumMetric(samples, 'ringcache_evictions_total', where),
      heapUsedBytes: sumMetric(samples, 'nodejs_heap_size_used_bytes'),
      externalBytes: sumMetric(samples, 'nodejs_external_memory_bytes'),
      rssGrowthPerBudget: growth === undefined ? undefined : Math.round((growth / budgetBytes) * 100) / 100,
      rssPerEntryBytes:
        growth === undefined || cacheItems === 0 ? undefined : Math.round(growth / cacheItems),
      fill,
      notes,
    };
  } catch (error) {
    context.progress(`memory failed: ${failureDetail(error)}`);
    return { ...base, status: 'failed', notes: [failureNote(error)] };
  } finally {
    await cluster?.stop();
  }
}
