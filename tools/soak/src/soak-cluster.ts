import { RingcacheClient } from '@ringcache/client';
import {
  createItemTable,
  EtcdCluster,
  ITEM_GROUP,
  ScratchMysql,
  startCluster,
  type TestCluster,
} from '@ringcache/testing';

import { rowsFor, soakKey } from './op-mix';
import type { SampledProcess } from './sampler';

/** The group the load reads and writes: the scratch database's `item` table, configured, with no code. */
export const SOAK_GROUP = 'soak';
/** Name of the cluster in etcd: every key the run makes lives under `ringcache/soak/`. */
export const SOAK_CLUSTER = 'soak';
/** The built-in `scores` group's budget: it gets no traffic, but a node's budget counts every group. */
export const SCORES_BUDGET_BYTES = 2 ** 20;
/** The gateway's near cache: small, so it fills and evicts early too. */
export const GATEWAY_NEAR_BYTES = 4 * 2 ** 20;
/** The SDK client's near cache, in the soak process. */
export const SDK_NEAR_BYTES = 2 * 2 ** 20;
/**
 * History etcd keeps (periodic auto-compaction), as a long-running etcd must run: every write with a TTL puts
 * a delay-queue key that its lease's expiry deletes, and without compaction each of those revisions would stay
 * in etcd's memory and database for good.
 */
export const ETCD_COMPACTION = '1m';
/**
 * Entries between etcd's snapshots. etcd keeps its raft log in memory until a snapshot, every 100,000 applied
 * entries by default: at the soak's ~50 writes a second that is half an hour of growth (about 50 MiB) before
 * its memory levels off, so a 30-minute soak would end before etcd's steady state. With 10,000 (etcd's default
 * before 3.2) it levels off within minutes, and what grows after that is not the raft log.
 */
export const ETCD_SNAPSHOT_COUNT = 10_000;
/** TTL of loaded values and of writes without one: they expire through the delay queue and ttl-worker. */
export const GROUP_TTL = '30s';
/** The longest TTL of anything the soak stores (loaded values; writes carry 2–20 s), in seconds. */
export const LONGEST_TTL_S = 30;

/** Everything a soak runs against, and what it samples. */
export interface SoakCluster {
  etcd: EtcdCluster;
  mysql: ScratchMysql;
  cluster: TestCluster;
  client: RingcacheClient;
  /** The gateway's base URL. */
  gatewayUrl: string;
  /** Every process started (and the soak process itself, which hosts the SDK client). */
  processes: SampledProcess[];
  /** Stops the client, the cluster and etcd, and drops the database; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts one etcd member, a scratch MariaDB database holding three quarters of the key space, three cache
 * nodes whose soak group has `budgetBytes` each, a gateway, a ttl-worker, and an SDK client found through
 * etcd — through the testing helpers, on free loopback ports.
 */
export async function startSoakCluster(keys: number, budgetBytes: number): Promise<SoakCluster> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    const etcd = await EtcdCluster.start({
      size: 1,
      autoCompaction: ETCD_COMPACTION,
      snapshotCount: ETCD_SNAPSHOT_COUNT,
    });
    stops.push(() => etcd.stop());
    const mysql = await ScratchMysql.create();
    stops.push(() => mysql.drop());
    const rows = new Map<string, string>();
    for (let i = 0; i < rowsFor(keys); i++) rows.set(soakKey(i), `value of ${soakKey(i)}`);
    await createItemTable(mysql, rows);
    const cluster = await startCluster({
      nodes: 3,
      mysqlUrl: mysql.url,
      etcd: { endpoints: etcd.endpoints, cluster: SOAK_CLUSTER },
      groups: {
        [SOAK_GROUP]: { ...ITEM_GROUP, maxBytes: budgetBytes, ttl: GROUP_TTL, negativeTtl: '10s' },
        scores: { maxBytes: SCORES_BUDGET_BYTES },
      },
      env: {
        NODE_ENV: 'production',
        RINGCACHE_DEMO_SEED: 'false',
        RINGCACHE_GATEWAY_NEAR_CACHE_BYTES: String(GATEWAY_NEAR_BYTES),
      },
    });
    stops.push(() => cluster.stop());
    const worker = await cluster.addTtlWorker();
    const client = new RingcacheClient({
      etcd: { endpoints: etcd.endpoints, cluster: SOAK_CLUSTER },
      nearCache: { maxBytes: SDK_NEAR_BYTES },
    });
    stops.push(() => client.close());
    await client.ready();
    const gateway = cluster.gateway;
    if (!gateway) throw new Error('the cluster started no gateway');
    const processes: SampledProcess[] = [
      ...cluster.nodes.map((node) => ({
        name: node.name,
        pid: () => node.process.pid,
        alive: () => node.process.alive,
        metricsUrl: `${node.url}/metrics`,
        cacheMetric: 'ringcache_cache_bytes',
        budgetBytes: budgetBytes + SCORES_BUDGET_BYTES,
      })),
      {
        name: 'gateway',
        pid: () => gateway.process.pid,
        alive: () => gateway.process.alive,
        metricsUrl: `${gateway.url}/metrics`,
        cacheMetric: 'ringcache_gateway_near_cache_bytes',
        budgetBytes: GATEWAY_NEAR_BYTES,
      },
      {
        name: 'ttl-worker',
        pid: () => worker.process.pid,
        alive: () => worker.process.alive,
        metricsUrl: `${worker.url}/metrics`,
        budgetBytes: 0,
      },
      {
        name: 'etcd',
        pid: () => etcd.members[0].process.pid,
        alive: () => etcd.members[0].process.alive,
        budgetBytes: 0,
      },
      {
        name: 'soak (SDK)',
        pid: () => process.pid,
        alive: () => true,
        memory: () => {
          const { heapUsed, external } = process.memoryUsage();
          return { heapUsed, external };
        },
        budgetBytes: SDK_NEAR_BYTES,
        memoryReportOnly: true,
      },
    ];
    return { etcd, mysql, cluster, client, gatewayUrl: gateway.url, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
