import type { NodeHandle, TestCluster } from './cluster';
import type { EtcdCluster } from './etcd';
import { freePort } from './ports';
import { TcpProxy, type BlackholeMode } from './tcp-proxy';

/** The loopback address a proxied node advertises: its proxies listen there, on the node's own ports. */
const ADVERTISED_HOST = '127.0.0.2';

/** What {@link addProxiedNode} puts between the node and the rest. */
export interface ProxiedNodeOptions {
  /** Peers and gateways reach the node's gRPC and HTTP ports only through proxies. */
  peers?: boolean;
  /** The node reaches etcd (its first member) only through a proxy. */
  etcd?: EtcdCluster;
  /** Extra environment for the node. */
  env?: NodeJS.ProcessEnv;
}

/** A node behind proxies, and the proxies, to cut it off from the others or from etcd. */
export interface ProxiedNode {
  node: NodeHandle;
  /** In front of its gRPC and HTTP ports (with `peers`). */
  peerProxies: TcpProxy[];
  /** Between it and etcd (with `etcd`). */
  etcdProxy?: TcpProxy;
  /** Blackholes every proxy of the node: a network partition around it (default `hold`, see TcpProxy). */
  cut(mode?: BlackholeMode): void;
  /** Lets every proxy pass again: the partition heals. */
  heal(): void;
  /** Stops the proxies (teardown; the node stops with the cluster). */
  stop(): Promise<void>;
}

/**
 * Adds a node to an etcd cluster that the test can partition. With `peers`, the node advertises
 * 127.0.0.2 with its own ports, where proxies to its real ports on 127.0.0.1 listen: every peer and gateway
 * dials it through them, as the registration in etcd says, while the test still reaches it directly (its
 * `url`). With `etcd`, its etcd endpoint is a proxy to the first member. Its own calls to peers go direct.
 */
export async function addProxiedNode(
  cluster: TestCluster,
  name: string,
  options: ProxiedNodeOptions,
): Promise<ProxiedNode> {
  const ports = { grpc: await freePort(), http: await freePort() };
  const peerProxies = options.peers
    ? await Promise.all(
        [ports.grpc, ports.http].map((port) =>
          TcpProxy.start('127.0.0.1', port, { host: ADVERTISED_HOST, port }),
        ),
      )
    : [];
  const etcdProxy = options.etcd ? await TcpProxy.start(new URL(options.etcd.endpoints[0]).host) : undefined;
  const proxies = [...peerProxies, ...(etcdProxy ? [etcdProxy] : [])];
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    ...(options.peers ? { RINGCACHE_NODE_ADVERTISE_HOST: ADVERTISED_HOST } : {}),
    ...(etcdProxy ? { RINGCACHE_ETCD_ENDPOINTS: `http://${etcdProxy.address}` } : {}),
  };
  try {
    const node = await cluster.addNode(name, env, ports);
    return {
      node,
      peerProxies,
      etcdProxy,
      cut: (mode = 'hold') => proxies.forEach((p) => p.blackhole(mode)),
      heal: () => proxies.forEach((p) => p.forward()),
      stop: async () => void (await Promise.all(proxies.map((p) => p.stop()))),
    };
  } catch (error) {
    await Promise.all(proxies.map((p) => p.stop()));
    throw error;
  }
}
