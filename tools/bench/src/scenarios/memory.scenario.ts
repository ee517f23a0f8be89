import { setTimeout as sleep } from 'node:timers/promises';

import { sumMetric, type TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { BENCH_GROUP, KEY_PATH_PREFIX } from '../data/keys';
import { rssBytes } from '../env/proc-stats';
import { failureDetail, failureNote } from '../report/failure';
import type { LoadResult } from '../load/load-spec';
import { runLoad } from '../load/run-load';
import { startBenchCluster } from './bench-cluster';
import { loadNotes } from './http-row';

/** What one node's memory did while it was filled past its budget. */
export interface MemoryRow {
  id: string;
  name: string;
  status: 'measured' | 'failed';
  /** The group's configured byte budget (`maxBytes`). */
  budgetBytes: number;
  /** Distinct 1 KiB keys requested, each once. */
  keysRequested: number;
  /** RSS of the node process when ready, before any request. */
  rssBeforeBytes?: number;
  /** RSS after the fill (and a second to settle). */
  rssAfterBytes?: number;
  /**
   * RSS after the same keys were requested a second time (each evicted one loaded again): equal to
   * `rssAfterBytes` when what the node uses is bounded, larger if it leaks.
   */
  rssAfterSecondFillBytes?: number;
  /** `ringcache_cache_bytes` of the group (main + hot) after the fill: what the cache thinks it holds. */
  cacheBytes?: number;
  /** `ringcache_cache_items` after the fill. */
  cacheItems?: number;
  /** `ringcache_evictions_total` after the fill: above 0 shows the budget was reached. */
  evictions?: number;
  /** The node's V8 heap in use after the fill (`nodejs_heap_size_used_bytes`). */
  heapUsedBytes?: number;
  /** Memory outside the V8 heap after the fill — Buffers' bytes live here (`nodejs_external_memory_bytes`). */
  externalBytes?: number;
  /** (rssAfter − rssBefore) / budget: the real memory cost of a full budget; 1.0 would be no overhead. */
  rssGrowthPerBudget?: number;
  fill?: LoadResult;
  notes: string[];
}

/**
 * One node (and a gateway in its own process) with a byte budget, filled with 1.5× what the budget holds
 * — every key requested once — to compare the node's RSS growth with its budget and with what its cache
 * gauge reports; then filled again, to tell a bounded cost (V8 keeps the heap it grew for the garbage of
 * the fill) from a leak.
 */
export async function memoryRow(context: BenchContext): Promise<MemoryRow> {
  const { memoryBudgetBytes: budgetBytes, memoryKeys } = context.settings;
  const base = {
    id: 'memory-one-node',
    name: `1 node, budget ${budgetBytes / 2 ** 20} MiB, ${memoryKeys.toLocaleString('en-US')} × 1 KiB keys`,
    budgetBytes,
    keysRequested: memoryKeys,
  };
  context.progress(`memory: one node, budget ${budgetBytes / 2 ** 20} MiB, filling ${memoryKeys} keys`);
  let cluster: TestCluster | undefined;
  try {
    cluster = await startBenchCluster(context, { transport: 'grpc', nodes: 1, maxBytes: budgetBytes });
    const node = cluster.nodes[0];
    const gateway = cluster.gateway;
    if (!gateway) throw new Error('the cluster has no gateway');
    await sleep(500);
    const rssBeforeBytes = rssBytes(node.process.pid);
    const sweep = () =>
      runLoad(context, {
        mode: 'sweep',
        origin: gateway.url,
        prefix: KEY_PATH_PREFIX,
        from: 0,
        to: memoryKeys,
        concurrency: 32,
      });
    const fill = await sweep();
    await sleep(1_000);
    const rssAfterBytes = rssBytes(node.process.pid);
    context.progress('memory: the same keys again');
    await sweep();
    await sleep(1_000);
    const rssAfterSecondFillBytes = rssBytes(node.process.pid);
    const samples = (await cluster.metrics()).get(node.name) ?? [];
    const where = { group: BENCH_GROUP };
    const cacheBytes = sumMetric(samples, 'ringcache_cache_bytes', where);
    const growth =
      rssBeforeBytes === undefined || rssAfterBytes === undefined
        ? undefined
        : Math.round(((rssAfterBytes - rssBeforeBytes) / budgetBytes) * 100) / 100;
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
      cacheItems: sumMetric(samples, 'ringcache_cache_items', where),
      evictions: sumMetric(samples, 'ringcache_evictions_total', where),
      heapUsedBytes: sumMetric(samples, 'nodejs_heap_size_used_bytes'),
      externalBytes: sumMetric(samples, 'nodejs_external_memory_bytes'),
      rssGrowthPerBudget: growth,
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
