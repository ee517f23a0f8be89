import type { TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { BENCH_GROUP, KEY_PATH_PREFIX, keyName } from '../data/keys';
import type { LoadResult } from '../load/load-spec';
import { runLoad } from '../load/run-load';
import { loadsSoFar } from './bench-cluster';
import { loadNotes } from './http-row';

/** One cold-stampede measurement. */
export interface StampedeRow {
  id: string;
  /** The cluster it ran on, e.g. `gRPC peers, SQLite`. */
  name: string;
  status: 'measured' | 'skipped' | 'failed';
  /** Concurrent requests sent for the one cold key. */
  requests: number;
  load?: LoadResult;
  /** `ringcache_loads_total` of the group, summed over the nodes: must grow by exactly 1. */
  loads?: number;
  /** `ringcache_coalesced_total`: requests that joined the one load (or a peer fetch) in flight. */
  coalesced?: number;
  /** SELECT statements the database itself counted (MariaDB per-user statistics); SQLite cannot tell. */
  dbQueries?: number;
  /** True when the key was loaded once (and queried once, where counted) and every request got a 200. */
  pass?: boolean;
  notes: string[];
}

/**
 * Sends `stampede` requests for the never-requested key `keyName(coldIndex)` through the gateway at the
 * same moment, on connections opened beforehand, and reads how many loads (and, given `queries`, database
 * queries) it took and how long until the last answer.
 */
export async function stampedeRow(
  context: BenchContext,
  cluster: TestCluster,
  id: string,
  name: string,
  coldIndex: number,
  queries?: () => Promise<number>,
): Promise<StampedeRow> {
  const gateway = cluster.gateway;
  if (!gateway) throw new Error('the cluster has no gateway');
  const requests = context.settings.stampede;
  context.progress(`cold stampede, ${name}: ${requests} concurrent requests for one cold key`);
  const coalescedSoFar = () => cluster.sum('ringcache_coalesced_total', { group: BENCH_GROUP });
  const [loadsBefore, coalescedBefore, queriesBefore] = await Promise.all([
    loadsSoFar(cluster),
    coalescedSoFar(),
    queries?.(),
  ]);
  const load = await runLoad(context, {
    mode: 'burst',
    origin: gateway.url,
    path: `${KEY_PATH_PREFIX}${keyName(coldIndex)}`,
    preconnectPath: '/healthz',
    count: requests,
  });
  const [loadsAfter, coalescedAfter, queriesAfter] = await Promise.all([
    loadsSoFar(cluster),
    coalescedSoFar(),
    queries?.(),
  ]);
  const loads = loadsAfter - loadsBefore;
  const dbQueries =
    queriesBefore === undefined || queriesAfter === undefined ? undefined : queriesAfter - queriesBefore;
  const pass = loads === 1 && (dbQueries === undefined || dbQueries === 1) && load.ok === requests;
  const notes = loadNotes(load);
  if (loads !== 1) notes.push(`${loads} loads for one key: singleflight did not hold`);
  if (dbQueries !== undefined && dbQueries !== 1) notes.push(`${dbQueries} database queries for one key`);
  return {
    id,
    name,
    status: 'measured',
    requests,
    load,
    loads,
    coalesced: coalescedAfter - coalescedBefore,
    dbQueries,
    pass,
    notes,
  };
}
