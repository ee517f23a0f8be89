import { Histogram, type Registry } from 'prom-client';

/** Buckets of a batch-size histogram: powers of two up to the 1,000 keys a batch may hold. */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000];

/**
 * A histogram of batch sizes (keys per call), and the function that observes one: what callers hand to
 * the batching peer client (`ringcache_peer_batch_keys`) or to a group's loads (`ringcache_load_batch_keys`).
 * Observed once per batch, not per key.
 */
export function batchSizeHistogram(registry: Registry, name: string, help: string): (keys: number) => void {
  const histogram = new Histogram({ name, help, buckets: BATCH_BUCKETS, registers: [registry] });
  return (keys) => histogram.observe(keys);
}
