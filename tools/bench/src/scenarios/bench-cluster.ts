import { startCluster, type TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { BENCH_GROUP } from '../data/keys';
import { BENCH_TABLE } from '../data/sqlite-dataset';
import { onInterrupt } from '../env/cleanup';

/** Options of {@link startBenchCluster}. */
export interface BenchClusterOptions {
  /** Peer protocol between gateway and nodes, and between nodes. */
  transport: 'grpc' | 'http';
  /** Cache nodes. Default 3. */
  nodes?: number;
  /** The group's byte budget per node. Default 64 MiB: 10,000 × 1 KiB fit with room to spare. */
  maxBytes?: number;
  /** Read from this MySQL/MariaDB database instead of the run's SQLite file. */
  mysqlUrl?: string;
}

/**
 * Starts nodes and a gateway (the built apps, on free loopback ports, through the testing helpers) serving
 * one table-backed group — no code, only configuration — over the bench table, with a 10-minute TTL so
 * nothing expires during a run. They inherit this process's CPU affinity: the server cores.
 */
export async function startBenchCluster(
  context: BenchContext,
  options: BenchClusterOptions,
): Promise<TestCluster> {
  const cluster = await startCluster({
    nodes: options.nodes ?? 3,
    transport: options.transport,
    mysqlUrl: options.mysqlUrl,
    groups: { [BENCH_GROUP]: { ...BENCH_TABLE, ttl: '10m', maxBytes: options.maxBytes ?? 64 * 2 ** 20 } },
    // The demo seed stays on: the built-in `scores` group checks its `student` table at startup.
    env: {
      NODE_ENV: 'production',
      ...(options.mysqlUrl ? {} : { RINGCACHE_SQLITE_PATH: context.sqlitePath }),
    },
  });
  // Its processes are stopped by pid on an interrupt anyway; this also removes its temp folder. Left
  // registered after a normal stop: stopping a stopped cluster again does nothing.
  onInterrupt(() => cluster.stop());
  return cluster;
}

/** Pids of every process of a cluster: its nodes and its gateway. */
export function clusterPids(cluster: TestCluster): number[] {
  return [
    ...cluster.nodes.map((n) => n.process.pid),
    ...(cluster.gateway ? [cluster.gateway.process.pid] : []),
  ];
}

/** Loader calls of the bench group so far, summed over every node (`ringcache_loads_total`). */
export function loadsSoFar(cluster: TestCluster): Promise<number> {
  return cluster.sum('ringcache_loads_total', { group: BENCH_GROUP });
}
