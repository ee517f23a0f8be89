import type { Membership } from '@ringcache/cache-core';
import {
  createEtcdClient,
  EtcdKeys,
  EtcdMembership,
  GroupGenerations,
  StaticMembership,
  type DiscoveryLogger,
} from '@ringcache/discovery';

import type { ClientDiscoveryOptions } from './client-options';

/** Where a client finds the nodes, and where a flush gets its generation. */
export interface ClientDiscovery {
  readonly kind: 'etcd' | 'static';
  readonly membership: Membership;
  /** Where the nodes come from, for messages: `etcd http://…, ringcache/<cluster>/cache/` or `a fixed list`. */
  readonly source: string;
  /** A new flush generation for a group: raised atomically in etcd, or from the clock for a fixed list. */
  nextGeneration(group: string): Promise<number>;
  /** Stops watching and closes the etcd connection. */
  close(): Promise<void>;
}

/**
 * The gateway's discovery (discoveryFromConfig with role `gateway`), from client options rather than a
 * whole RingcacheConfig: a watch of the top-level service name `ringcache/<cluster>/cache/` in etcd, or
 * the fixed list. A client never registers itself.
 */
export function clientDiscovery(options: ClientDiscoveryOptions, logger: DiscoveryLogger): ClientDiscovery {
  if (options.kind === 'static') {
    const membership = new StaticMembership(options.nodes);
    return {
      kind: 'static',
      membership,
      source: 'a fixed list',
      nextGeneration: clockGenerations(),
      close: () => membership.stop(),
    };
  }
  const { etcd } = options;
  const client = createEtcdClient(etcd);
  const keys = new EtcdKeys(etcd.cluster);
  const membership = new EtcdMembership({ client, prefix: keys.caches, logger });
  // Only bump() is used: a client needs no generation events, so the watch is never started.
  const generations = new GroupGenerations(client, keys, logger);
  return {
    kind: 'etcd',
    membership,
    source: `etcd ${etcd.endpoints.join(',')}, ${keys.caches}`,
    nextGeneration: (group) => generations.bump(group),
    async close() {
      await membership.stop();
      client.close();
    },
  };
}

/**
 * Flush generations from the clock for a fixed list, as the gateway's: never going back, and above the
 * last one handed out here. (discoveryFromConfig keeps the same function private.)
 */
function clockGenerations(): (group: string) => Promise<number> {
  let last = 0;
  return async () => (last = Math.max(last + 1, Date.now()));
}
