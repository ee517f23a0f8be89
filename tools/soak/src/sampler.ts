import { openFds, rssBytes, scrapeMetrics, sumMetric, type EtcdCluster } from '@ringcache/testing';

import type { Series, SeriesKind } from './series-rules';

/** A process the sampler watches. */
export interface SampledProcess {
  name: string;
  pid: () => number | undefined;
  alive: () => boolean;
  /** Its Prometheus page, for the V8 heap and external memory (and the cache gauge). Default none. */
  metricsUrl?: string;
  /** The gauge of what its cache counts, on that page (summed over groups). Default none. */
  cacheMetric?: string;
  /** Heap and external memory read in-process, for the soak process itself. Default none. */
  memory?: () => { heapUsed: number; external: number };
  /** Its cache budget in bytes (0: none): the RSS rule and the cache gauge's bound. */
  budgetBytes: number;
  /** Report its memory without judging it (the soak process: its heap is the load generator's too). */
  memoryReportOnly?: boolean;
}

/**
 * Takes a sample of every process every time it is asked: RSS (/proc/<pid>/status), V8 heap used and
 * external memory (`nodejs_heap_size_used_bytes`, `nodejs_external_memory_bytes` of prom-client's default
 * metrics), open descriptors and sockets (/proc/<pid>/fd), the cache gauge; and of etcd, the keys and leases
 * (etcdctl). Also notes when every node had evicted, which ends the warm-up.
 */
export class Sampler {
  private readonly series = new Map<string, Series>();
  /** Processes seen dead at a sample, by name. */
  readonly exited = new Set<string>();
  /** Seconds into the run of the first sample at which every node had evicted from its caches. */
  cachesFullAtS?: number;
  /** Samples that could not be read, with why (the first few). */
  readonly misses: string[] = [];

  constructor(
    private readonly processes: SampledProcess[],
    private readonly etcd: EtcdCluster,
    private readonly startedAt: number,
  ) {}

  /** Every series so far, in the order they were first sampled. */
  all(): Series[] {
    return [...this.series.values()];
  }

  /** Takes one sample of everything. */
  async sample(): Promise<void> {
    const t = (Date.now() - this.startedAt) / 1_000;
    const evicted = await Promise.all(this.processes.map((p) => this.sampleProcess(p, t)));
    if (this.cachesFullAtS === undefined && evicted.filter((e) => e !== undefined).every((e) => e)) {
      this.cachesFullAtS = t;
    }
    const [keys, leases] = await Promise.all([this.etcdKeys(), this.etcdLeases()]);
    if (keys !== undefined) this.add('etcd', 'etcd-keys', t, keys, 0);
    if (leases !== undefined) this.add('etcd', 'etcd-leases', t, leases, 0);
  }

  /** Samples one process; resolves with whether it has evicted (nodes only), else undefined. */
  private async sampleProcess(p: SampledProcess, t: number): Promise<boolean | undefined> {
    if (!p.alive()) {
      this.exited.add(p.name);
      return undefined;
    }
    const pid = p.pid();
    const rss = rssBytes(pid);
    const fds = openFds(pid);
    if (rss !== undefined) this.add(p.name, 'rss', t, rss, p.budgetBytes, p.memoryReportOnly);
    if (fds) {
      this.add(p.name, 'fds', t, fds.fds, p.budgetBytes);
      this.add(p.name, 'sockets', t, fds.sockets, p.budgetBytes);
    }
    if (p.memory) {
      const { heapUsed, external } = p.memory();
      this.add(p.name, 'heap-used', t, heapUsed, p.budgetBytes);
      this.add(p.name, 'external', t, external, p.budgetBytes);
    }
    if (!p.metricsUrl) return undefined;
    try {
      const samples = await scrapeMetrics(p.metricsUrl);
      this.add(p.name, 'heap-used', t, sumMetric(samples, 'nodejs_heap_size_used_bytes'), p.budgetBytes);
      this.add(p.name, 'external', t, sumMetric(samples, 'nodejs_external_memory_bytes'), p.budgetBytes);
      if (!p.cacheMetric) return undefined;
      this.add(p.name, 'cache-bytes', t, sumMetric(samples, p.cacheMetric), p.budgetBytes);
      return p.cacheMetric === 'ringcache_cache_bytes'
        ? sumMetric(samples, 'ringcache_evictions_total') > 0
        : undefined;
    } catch (error) {
      this.miss(`${p.name} /metrics at ${t.toFixed(0)} s: ${(error as Error).message}`);
      return p.cacheMetric === 'ringcache_cache_bytes' ? false : undefined;
    }
  }

  private async etcdKeys(): Promise<number | undefined> {
    // etcd 3.4's etcdctl has no --count-only: a range's count is every key in it, whatever the limit.
    const run = await this.etcd.etcdctl(['get', '', '--prefix', '--keys-only', '--limit=1', '-w', 'json']);
    const count = run.code === 0 ? keyCount(run.output) : undefined;
    if (count === undefined) this.miss(`etcdctl get: ${firstLine(run.output)}`);
    return count;
  }

  private async etcdLeases(): Promise<number | undefined> {
    const run = await this.etcd.etcdctl(['lease', 'list']);
    const match = /found (\d+) leases/.exec(run.output);
    if (!match) this.miss(`etcdctl lease list: ${firstLine(run.output)}`);
    return match ? Number(match[1]) : undefined;
  }

  private add(
    process: string,
    kind: SeriesKind,
    t: number,
    v: number,
    budgetBytes: number,
    reportOnly?: boolean,
  ): void {
    const id = `${process}/${kind}`;
    let series = this.series.get(id);
    if (!series)
      this.series.set(
        id,
        (series = { process, kind, points: [], budgetBytes, ...(reportOnly ? { reportOnly } : {}) }),
      );
    series.points.push({ t, v });
  }

  private miss(what: string): void {
    if (this.misses.length < 20) this.misses.push(what);
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/**
 * The `count` of etcdctl's JSON answer to a range read. proto3 JSON leaves a count of 0 out, so an answer
 * with no count is 0 keys only when it lists none either; anything else is not an answer (undefined).
 */
export function keyCount(output: string): number | undefined {
  const count = /"count":(\d+)/.exec(output);
  if (count) return Number(count[1]);
  return /^\s*\{"header":\{/.test(output) && !output.includes('"kvs"') ? 0 : undefined;
}
