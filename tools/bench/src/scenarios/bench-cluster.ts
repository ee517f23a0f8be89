import {
  startCluster,
  type ClientTlsFiles,
  type ClusterOptions,
  type GatewayHandle,
  type TestCluster,
} from '@ringcache/testing';

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
  /** Environment of every process over the cluster's own (a transport setting, say). Default none. */
  env?: NodeJS.ProcessEnv;
  /** Start a gateway too. Default true. */
  gateway?: boolean;
  /** Mutual TLS between every process, with these files. Default none: plaintext. */
  tls?: ClientTlsFiles;
  /** Discover through this etcd instead of a static list. Default: a static list. */
  etcd?: ClusterOptions['etcd'];
}

/** Names the Node options every ringcache process of the bench is started with (see {@link profilingEnv}). */
export const NODE_OPTIONS_VARIABLE = 'RINGCACHE_BENCH_NODE_OPTIONS';

/**
 * `NODE_OPTIONS` for the ringcache processes a bench starts (nodes, gateways, ttl-workers), from
 * `RINGCACHE_BENCH_NODE_OPTIONS` — say `--perf-basic-prof`, to read a row's profile with `perf` — or nothing
 * when it is unset or empty. The bench's own process, the load generator and the baselines are not changed.
 */
export function profilingEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const options = env[NODE_OPTIONS_VARIABLE]?.trim();
  return options ? { NODE_OPTIONS: options } : {};
}

/** The near cache of each gateway a bench cluster runs, by what its rows measure. */
export const GATEWAY_NEAR_BYTES = {
  /** `cluster.gateway`: no near cache, so every read crosses the hop. */
  off: 0,
  /** A near cache a tenth of the 10,000-key working set: most reads still cross the hop. */
  small: 2 ** 20,
  /** The default near cache (32 MiB): the whole working set stays in the gateway. */
  on: 32 * 2 ** 20,
} as const;

/**
 * Starts nodes and a gateway without a near cache (the built apps, on free loopback ports, through the
 * testing helpers) serving one table-backed group — no code, only configuration — over the bench table,
 * with a 10-minute TTL so nothing expires during a run. They inherit this process's CPU affinity: the
 * server cores.
 */
export async function startBenchCluster(
  context: Pick<BenchContext, 'sqlitePath'>,
  options: BenchClusterOptions,
): Promise<TestCluster> {
  const cluster = await startCluster({
    nodes: options.nodes ?? 3,
    gateway: options.gateway ?? true,
    transport: options.transport,
    mysqlUrl: options.mysqlUrl,
    tls: options.tls,
    etcd: options.etcd,
    groups: { [BENCH_GROUP]: { ...BENCH_TABLE, ttl: '10m', maxBytes: options.maxBytes ?? 64 * 2 ** 20 } },
    // The demo seed stays on: the built-in `scores` group checks its `student` table at startup.
    env: {
      NODE_ENV: 'production',
      ...(options.mysqlUrl ? {} : { RINGCACHE_SQLITE_PATH: context.sqlitePath }),
      RINGCACHE_GATEWAY_NEAR_CACHE_BYTES: String(GATEWAY_NEAR_BYTES.off),
      ...options.env,
      ...profilingEnv(),
    },
  });
  // Its processes are stopped by pid on an interrupt anyway; this also removes its temp folder. Left
  // registered after a normal stop: stopping a stopped cluster again does nothing.
  onInterrupt(() => cluster.stop());
  return cluster;
}

/** Starts a further gateway on a bench cluster with a near cache of `bytes`. */
export function addNearGateway(cluster: TestCluster, name: string, bytes: number): Promise<GatewayHandle> {
  return cluster.addGateway(name, { RINGCACHE_GATEWAY_NEAR_CACHE_BYTES: String(bytes) });
}

/** Pids of the cluster's nodes and of `gateway`: the processes a gateway row's CPU is counted over. */
export function clusterPids(
  cluster: TestCluster,
  gateway: GatewayHandle | undefined = cluster.gateway,
): number[] {
  return [...cluster.nodes.map((n) => n.process.pid), ...(gateway ? [gateway.process.pid] : [])];
}

/** Loader calls of the bench group so far, summed over every node (`ringcache_loads_total`). */
export function loadsSoFar(cluster: TestCluster): Promise<number> {
  return cluster.sum('ringcache_loads_total', { group: BENCH_GROUP });
}
