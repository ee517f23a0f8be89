import type { DiscoveryLogger } from '@ringcache/discovery';
import type { TestCluster } from '@ringcache/testing';

import type { RingcacheNode } from '../lib/client-options';
import type { RingcacheClient } from '../lib/ringcache-client';

/** A logger that keeps what it is told, for assertions, instead of printing it. */
export function recordingLogger(): DiscoveryLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, log: () => undefined, warn: (message) => warnings.push(message) };
}

/** The cluster's nodes as a fixed list for the client. */
export function nodesOf(cluster: TestCluster): RingcacheNode[] {
  return cluster.staticNodes.map(({ name, grpc, http }) => ({ name, grpc, http }));
}

/** `count` keys of `group` whose owner on the client's ring is `owner`. */
export function keysOwnedBy(client: RingcacheClient, group: string, owner: string, count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) {
    if (i > 100_000) throw new Error(`no ${count} keys owned by ${owner}`);
    if (client.owner(group, `k${i}`) === owner) keys.push(`k${i}`);
  }
  return keys;
}

/** Each live node's /cluster answer: its ring version. */
export async function nodeRingVersions(cluster: TestCluster): Promise<string[]> {
  const live = cluster.nodes.filter((n) => n.process.alive);
  return Promise.all(
    live.map(async (node) => {
      const response = await fetch(`${node.url}/cluster`, { signal: AbortSignal.timeout(5_000) });
      return ((await response.json()) as { ringVersion: string }).ringVersion;
    }),
  );
}
