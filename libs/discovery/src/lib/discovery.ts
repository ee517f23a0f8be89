import type { Etcd3 } from 'etcd3';

import type { Member, Membership } from '@ringcache/cache-core';
import type { RingcacheConfig } from '@ringcache/config';

import { EtcdKeys } from './etcd-keys';
import { EtcdMembership, type DiscoveryLogger, type WatchState } from './etcd-membership';
import { EtcdRegistration } from './etcd-registration';
import { GroupGenerations, type GenerationListener } from './group-generations';
import { etcdClientFromConfig, staticMembers } from './from-config';
import { StaticMembership } from './static-membership';

/** Which prefix a process watches: nodes watch each other's names, gateways the top-level name. */
export type DiscoveryRole = 'node' | 'gateway';

/** How a process finds the cluster and, for a node, joins it. */
export interface Discovery {
  /** `static` (a configured list) or `etcd`. */
  readonly kind: 'static' | 'etcd';
  readonly membership: Membership;
  /**
   * Registers this node (etcd); fails on a duplicate node name. `onLapse` is called whenever the
   * registration is found lost, and again right before it is written anew (the node was off the others'
   * rings meanwhile). No-op for a static list.
   */
  register(self: Member, onLapse?: (reason: string) => void): Promise<void>;
  /** Leaves the cluster at once (revokes the lease), before draining. No-op for a static list. */
  deregister(): Promise<void>;
  /** True once registered (always true for a static list). */
  registered(): boolean;
  /** The watch state (`watching` for a static list). */
  watchState(): WatchState;
  /**
   * A new flush generation for `group`: raised atomically in etcd, or taken from the clock (never going
   * back) with a static list.
   */
  nextGeneration(group: string): Promise<number>;
  /** Calls `listener` with every group's current generation and each new one (etcd; no-op when static). */
  watchGenerations(listener: GenerationListener): Promise<void>;
  /** The etcd connection and key layout, for the other etcd users (delay queue); undefined when static. */
  readonly etcd?: { client: Etcd3; keys: EtcdKeys };
  /** Stops watching and closes the etcd connection. */
  close(): Promise<void>;
}

/** Generations from the clock for a static cluster: always above the last one handed out here. */
function clockGenerations(): (group: string) => Promise<number> {
  let last = 0;
  return async () => (last = Math.max(last + 1, Date.now()));
}

/**
 * Discovery from configuration: etcd when `etcd.endpoints` is set, otherwise the static `nodes` list.
 * A node whose own registration disappears while it runs (lease lost while etcd was away) registers again.
 */
export function discoveryFromConfig(
  config: RingcacheConfig,
  role: DiscoveryRole,
  logger: DiscoveryLogger,
  version = 'dev',
): Discovery {
  if (config.etcd.endpoints.length === 0) {
    const membership = new StaticMembership(staticMembers(config.nodes));
    return {
      kind: 'static',
      membership,
      register: async () => undefined,
      deregister: async () => undefined,
      registered: () => true,
      watchState: () => 'watching',
      nextGeneration: clockGenerations(),
      watchGenerations: async () => undefined,
      close: () => membership.stop(),
    };
  }
  const client = etcdClientFromConfig(config);
  const keys = new EtcdKeys(config.cluster);
  const membership = new EtcdMembership({
    client,
    prefix: role === 'node' ? keys.nodes : keys.caches,
    logger,
  });
  const generations = new GroupGenerations(client, keys, logger);
  let registration: EtcdRegistration | undefined;
  let unsubscribe: (() => void) | undefined;
  return {
    kind: 'etcd',
    membership,
    async register(self: Member, onLapse?: (reason: string) => void) {
      registration = new EtcdRegistration({
        client,
        keys,
        self,
        leaseTtlSeconds: config.etcd.leaseTtlSeconds,
        version,
        logger,
        onLapse,
      });
      await registration.start();
      // Our own key gone while we run (lease expired during an etcd outage, a manual delete): come back.
      unsubscribe = membership.onChange((members) => {
        if (registration?.registered === false || !members.some((m) => m.name === self.name)) {
          registration?.renew('this node is missing from the member list');
        }
      });
    },
    async deregister() {
      unsubscribe?.();
      await registration?.stop();
    },
    registered: () => registration?.registered ?? false,
    watchState: () => membership.state,
    nextGeneration: (group) => generations.bump(group),
    async watchGenerations(listener) {
      generations.onChange(listener);
      await generations.start();
    },
    etcd: { client, keys },
    async close() {
      unsubscribe?.();
      await registration?.stop();
      await membership.stop();
      await generations.stop();
      client.close();
    },
  };
}
