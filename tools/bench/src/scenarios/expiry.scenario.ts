import {
  EtcdCluster,
  sleep,
  startCluster,
  sumMetric,
  scrapeMetrics,
  type TestCluster,
} from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { onInterrupt } from '../env/cleanup';
import { failureNote } from '../report/failure';
import { profilingEnv } from './bench-cluster';

/** Expiry lateness and write throughput, measured on one run. */
export interface ExpiryRow {
  keys: number;
  /** TTLs are spread evenly over 1 s … spreadSec. */
  spreadSec: number;
  /** Sets per second through the gateway while writing the keys (64 at a time). */
  setsPerSec?: number;
  /** Entries removed by active expiry, over every node. */
  removed?: number;
  /** Lateness percentiles from the nodes' histogram (removal time − expiry time), s, as bucket bounds. */
  p50Sec?: number;
  p99Sec?: number;
  /** Share of removals at most 1.1 s late. */
  within1_1s?: number;
  status: 'measured' | 'failed';
  notes: string[];
}

/** Smallest bucket bound under which `q` of the samples fall, from cumulative histogram buckets. */
function quantile(buckets: [number, number][], q: number): number {
  const total = buckets[buckets.length - 1][1];
  for (const [bound, count] of buckets) if (count >= q * total) return bound;
  return Infinity;
}

/**
 * Writes `keys` keys through the gateway with TTLs spread over a minute (a 3-node cluster on etcd, two
 * ttl-workers), waits until every one has expired, and reads the nodes' lateness histogram
 * (`ringcache_expiry_lateness_seconds`): target p99 ≤ 1.1 s.
 */
export async function expiryRow(context: BenchContext): Promise<ExpiryRow> {
  const quick = context.settings.quick;
  const row: ExpiryRow = {
    keys: quick ? 10_000 : 100_000,
    spreadSec: quick ? 10 : 60,
    status: 'measured',
    notes: [],
  };
  context.progress(`expiry: starting etcd, 3 nodes, a gateway and 2 ttl-workers`);
  const etcd = await EtcdCluster.start(1);
  onInterrupt(() => etcd.stop());
  let cluster: TestCluster | undefined;
  try {
    cluster = await startCluster({
      etcd: { endpoints: etcd.endpoints },
      groups: { scores: { maxBytes: '256MiB' } },
      env: { RINGCACHE_LOG_LEVEL: 'warn', ...profilingEnv() },
    });
    onInterrupt(() => cluster?.stop());
    await cluster.addTtlWorker();
    await cluster.addTtlWorker();
    const gateway = cluster.gateway?.url as string;
    context.progress(`expiry: writing ${row.keys} keys with TTLs over ${row.spreadSec} s`);
    const started = Date.now();
    let next = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < row.keys) {
          const i = next++;
          const ttlMs = 1_000 + Math.floor(((row.spreadSec - 1) * 1_000 * i) / row.keys);
          const res = await fetch(`${gateway}/api/v1/groups/scores/keys/x${i}?ttl=${ttlMs}`, {
            method: 'PUT',
            body: 'v',
            headers: { 'content-type': 'application/octet-stream' },
          });
          await res.arrayBuffer();
          if (res.status !== 200) failed++;
        }
      }),
    );
    const writeSec = (Date.now() - started) / 1000;
    row.setsPerSec = Math.round(row.keys / writeSec);
    if (failed) row.notes.push(`${failed} sets failed`);
    context.progress(`expiry: ${row.setsPerSec} sets/s; waiting for every key to expire`);
    const lastExpiry = started + row.spreadSec * 1_000 + writeSec * 1_000;
    while (Date.now() < lastExpiry + 3_000) {
      if ((await cluster.sum('ringcache_cache_items', { group: 'scores' })) === 0) break;
      await sleep(500);
    }
    const buckets = new Map<number, number>();
    for (const node of cluster.nodes) {
      for (const s of await scrapeMetrics(`${node.url}/metrics`)) {
        if (s.name !== 'ringcache_expiry_lateness_seconds_bucket' || s.labels['group'] !== 'scores') continue;
        const bound = s.labels['le'] === '+Inf' ? Infinity : Number(s.labels['le']);
        buckets.set(bound, (buckets.get(bound) ?? 0) + s.value);
      }
    }
    const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
    row.removed = sorted[sorted.length - 1]?.[1] ?? 0;
    if (row.removed > 0) {
      row.p50Sec = quantile(sorted, 0.5);
      row.p99Sec = quantile(sorted, 0.99);
      row.within1_1s = (buckets.get(1.1) ?? 0) / row.removed;
    }
    const left = await cluster.sum('ringcache_cache_items', { group: 'scores' });
    if (left > 0) row.notes.push(`${left} entries still held after the last expiry + 3 s`);
    const workers = await Promise.all(cluster.ttlWorkers.map((w) => scrapeMetrics(`${w.url}/metrics`)));
    row.notes.push(
      `workers delivered ${workers.reduce((n, s) => n + sumMetric(s, 'ringcache_ttl_expired_keys_total'), 0)} expiries`,
    );
  } catch (error) {
    row.status = 'failed';
    row.notes.push(failureNote(error));
  } finally {
    await cluster?.stop();
    await etcd.stop();
  }
  return row;
}
