import {
  addProxiedNode,
  createItemTable,
  EtcdCluster,
  eventually,
  ITEM_GROUP,
  PrivateMariadb,
  ScratchMysql,
  startCluster,
  type GatewayHandle,
  type ProxiedNode,
  type TestCluster,
} from '@ringcache/testing';

/** The cache group every client reads and writes: the `item` table's rows, cached an hour. */
export const CHAOS_GROUP = 'items';
/** The cluster name the processes register under in etcd. */
export const CHAOS_CLUSTER = 'chaos';

/** Everything a chaos run starts, and how to stop it. */
export interface ChaosCluster {
  etcd: EtcdCluster;
  /** The run's own database server, which faults stop and start. */
  db: PrivateMariadb;
  /** The scratch database on it, holding the `item` table. */
  mysql: ScratchMysql;
  cluster: TestCluster;
  /** node3, reached by everyone only through proxies, to blackhole. */
  proxied: ProxiedNode;
  gateways: GatewayHandle[];
  /** Nodes that are killed and stopped: started directly, restartable under their name. */
  plainNodes: string[];
  stop(): Promise<void>;
}

/** Options of {@link startChaosCluster}. */
export interface ChaosClusterOptions {
  /** Rows of the `item` table: table-backed keys and their first value. */
  rows: ReadonlyMap<string, string>;
  /** Lease TTL of every registration, s. Default 3. */
  leaseTtlSeconds?: number;
  /** Where progress goes. */
  log: (line: string) => void;
}

/**
 * Starts a 3-member etcd, a MariaDB of the run's own with the `item` table, three cache nodes (node3
 * behind TCP proxies), two gateways and two ttl-workers, and waits until both gateways see every node.
 */
export async function startChaosCluster(options: ChaosClusterOptions): Promise<ChaosCluster> {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const etcd = await EtcdCluster.start(3);
    cleanups.push(() => etcd.stop());
    options.log(`etcd: ${etcd.endpoints.join(', ')}`);
    const db = await PrivateMariadb.start();
    cleanups.push(() => db.remove());
    options.log(`mariadbd: pid ${db.process.pid}, 127.0.0.1:${db.port}`);
    const mysql = await ScratchMysql.create({ adminUrl: db.adminUrl, ownUser: false });
    await createItemTable(mysql, new Map(options.rows));
    const cluster = await startCluster({
      nodes: 2,
      etcd: {
        endpoints: etcd.endpoints,
        cluster: CHAOS_CLUSTER,
        leaseTtlSeconds: options.leaseTtlSeconds ?? 3,
      },
      mysqlUrl: mysql.url,
      env: { RINGCACHE_DEMO_SEED: 'false' },
      groups: { [CHAOS_GROUP]: { ...ITEM_GROUP, ttl: '1h' } },
    });
    cleanups.push(() => cluster.stop());
    const proxied = await addProxiedNode(cluster, 'node3', { peers: true });
    cleanups.push(() => proxied.stop());
    const gateways = [cluster.gateway as GatewayHandle, await cluster.addGateway('gateway2')];
    await cluster.addTtlWorker('ttl-worker1');
    await cluster.addTtlWorker('ttl-worker2');
    await eventually(
      'both gateways see the three nodes',
      async () => {
        for (const gateway of gateways) {
          const view = (await (await fetch(`${gateway.url}/api/v1/cluster`)).json()) as {
            members: unknown[];
          };
          if (view.members.length !== 3) return false;
        }
        return true;
      },
      30_000,
    );
    options.log(
      `cluster: nodes ${cluster.nodes.map((n) => n.name).join(', ')}, gateways ${gateways.map((g) => g.url).join(', ')}`,
    );
    return { etcd, db, mysql, cluster, proxied, gateways, plainNodes: ['node1', 'node2'], stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
