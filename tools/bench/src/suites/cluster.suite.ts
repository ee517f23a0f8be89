import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EtcdCluster, type TestCluster } from '@ringcache/testing';

import { datasetRows, KEY_PATH_PREFIX, keyName } from '../data/keys';
import { writeSqliteDataset } from '../data/sqlite-dataset';
import { onInterrupt, stopChildrenOnSignals } from '../env/cleanup';
import { pinPlan, pinSelfToServerCores } from '../env/cpu-pinning';
import { GATEWAY_NEAR_BYTES, startBenchCluster } from '../scenarios/bench-cluster';

/** Options of {@link runClusterSuite}: the cluster of a bench row, to load and profile by hand. */
export interface ClusterSuiteOptions {
  transport: 'grpc' | 'http';
  /** The gateway's near cache in bytes. Default 0, as the near-cache-off rows. */
  nearBytes: number;
  /** Nodes discover each other through a fresh etcd, with a ttl-worker, as in the write rows. */
  etcd: boolean;
  /** Keys of the bench table (the rows' 10,000 and the cold passes' further ranges). */
  keys: number;
}

/** What `main.js cluster` prints on stdout once every process answers: where to send load, what to profile. */
export interface ClusterFacts {
  gateway: string;
  /** The path of the table's first key; the others are keyName(1 … keys − 1) (data/keys.ts). */
  firstKey: string;
  keys: number;
  transport: 'grpc' | 'http';
  nearBytes: number;
  /** pid and working directory of every process: V8's `--perf-prof` writes its jit-<pid>.dump there. */
  processes: { name: string; pid: number; cwd: string }[];
  etcd?: string[];
  /** The bench table's SQLite file, removed with its folder at the end. */
  dataset: string;
}

/**
 * `main.js cluster`: starts the cluster of a bench row — 3 nodes and a gateway over the bench table (with
 * etcd and a ttl-worker for `--etcd`), pinned as the bench pins its servers, `RINGCACHE_BENCH_NODE_OPTIONS`
 * given to each — prints its facts as one JSON line, and keeps it up until SIGINT or SIGTERM, then stops
 * every process it started and removes its files. For profiling a path under a load of one's own.
 */
export async function runClusterSuite(options: ClusterSuiteOptions): Promise<void> {
  stopChildrenOnSignals();
  pinSelfToServerCores(pinPlan());
  const workDir = mkdtempSync(join(tmpdir(), 'ringcache-bench-cluster-'));
  onInterrupt(() => rmSync(workDir, { recursive: true, force: true }));
  const sqlitePath = join(workDir, 'bench.sqlite');
  let etcd: EtcdCluster | undefined;
  let cluster: TestCluster | undefined;
  onInterrupt(() => etcd?.stop());
  try {
    writeSqliteDataset(sqlitePath, datasetRows(options.keys));
    if (options.etcd) etcd = await EtcdCluster.start(1);
    cluster = await startBenchCluster(
      { sqlitePath },
      {
        transport: options.transport,
        etcd: etcd && { endpoints: etcd.endpoints, cluster: 'bench-cluster' },
        env: { RINGCACHE_GATEWAY_NEAR_CACHE_BYTES: String(options.nearBytes) },
      },
    );
    if (etcd) await cluster.addTtlWorker();
  } catch (error) {
    // Nothing is left behind by a start that failed part-way: what started is stopped, the files go.
    await cluster?.stop();
    await etcd?.stop();
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  console.log(JSON.stringify(clusterFacts(cluster, options, sqlitePath, etcd)));
  // Up until a signal: stopChildrenOnSignals stops the processes, the cleanups remove the files, and exits.
  await new Promise<never>(() => setInterval(() => undefined, 60_000));
}

function clusterFacts(
  cluster: TestCluster,
  options: ClusterSuiteOptions,
  dataset: string,
  etcd?: EtcdCluster,
): ClusterFacts {
  const gateway = cluster.gateway as NonNullable<TestCluster['gateway']>;
  const named = [
    ...cluster.nodes.map((n) => ({ name: n.name, pid: n.process.pid })),
    { name: 'gateway', pid: gateway.process.pid },
    ...cluster.ttlWorkers.map((w) => ({ name: w.name, pid: w.process.pid })),
    ...(etcd?.members ?? []).map((m, i) => ({ name: `etcd${i + 1}`, pid: m.process.pid })),
  ];
  return {
    gateway: gateway.url,
    firstKey: `${KEY_PATH_PREFIX}${keyName(0)}`,
    keys: options.keys,
    transport: options.transport,
    nearBytes: options.nearBytes,
    processes: named.map((p) => ({ ...p, cwd: readlinkSync(`/proc/${p.pid}/cwd`) })),
    ...(etcd ? { etcd: etcd.endpoints } : {}),
    dataset,
  };
}

/** The near cache a `--near` value names: off, small, on (the bench's three), or a byte count. */
export function nearBytesOf(value: string | undefined): number {
  if (value === undefined) return GATEWAY_NEAR_BYTES.off;
  if (Object.hasOwn(GATEWAY_NEAR_BYTES, value))
    return GATEWAY_NEAR_BYTES[value as keyof typeof GATEWAY_NEAR_BYTES];
  const bytes = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(bytes))
    throw new Error(`--near must be off, small, on or a number of bytes, got ${JSON.stringify(value)}`);
  return bytes;
}
