import { startCluster, type TestCluster } from '@ringcache/testing';

/** The group the SDK bench writes and reads. */
export const BENCH_GROUP = 'scores';

/**
 * Three real nodes and a gateway (near cache off) for the SDK bench: the built apps on free loopback ports, with a
 * 10-minute TTL and a 64 MiB budget so that 10,000 × 1 KiB values stay cached for the whole run.
 */
export function startBenchCluster(): Promise<TestCluster> {
  return startCluster({
    nodes: 3,
    gateway: true,
    groups: { [BENCH_GROUP]: { ttl: '10m', maxBytes: '64MiB' } },
    // The gateway row is a reference for the hop the SDK saves: without its near cache, which would answer
    // repeated reads from the gateway's own memory.
    env: { NODE_ENV: 'production', RINGCACHE_GATEWAY_NEAR_CACHE_BYTES: '0' },
  });
}
