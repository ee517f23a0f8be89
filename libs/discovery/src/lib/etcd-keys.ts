/**
 * The etcd key layout of a ringcache cluster (DESIGN §3). Every key lives under `ringcache/<cluster>/`,
 * so clusters sharing one etcd never see each other's keys.
 *
 * - `node/<nodeName>/<addr>` — each node's own service name, its address beneath (watched by nodes);
 * - `cache/<addr>` — the top-level service name every node also registers under (watched by gateways
 *   and clients);
 * - `group/<group>` and `ttl/<expirySecond>/~<owner>/<id>` (delay-queue records) — used by writes and expiry.
 */
export class EtcdKeys {
  /** `ringcache/<cluster>/` */
  readonly root: string;
  /** `ringcache/<cluster>/node/`: the per-node service names. */
  readonly nodes: string;
  /** `ringcache/<cluster>/cache/`: the top-level service name. */
  readonly caches: string;

  constructor(readonly cluster: string) {
    if (!/^[a-z0-9-]{1,63}$/.test(cluster))
      throw new Error(`invalid cluster name ${JSON.stringify(cluster)}`);
    this.root = `ringcache/${cluster}/`;
    this.nodes = `${this.root}node/`;
    this.caches = `${this.root}cache/`;
  }

  /** `ringcache/<cluster>/node/<nodeName>/` — every registration of one node name. */
  nodePrefix(nodeName: string): string {
    return `${this.nodes}${nodeName}/`;
  }

  /** `ringcache/<cluster>/node/<nodeName>/<addr>` */
  node(nodeName: string, addr: string): string {
    return `${this.nodePrefix(nodeName)}${addr}`;
  }

  /** `ringcache/<cluster>/cache/<addr>` */
  cache(addr: string): string {
    return `${this.caches}${addr}`;
  }

  /** `ringcache/<cluster>/group/<group>` */
  group(group: string): string {
    return `${this.root}group/${group}`;
  }
}
