import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

import type { NodeRuntime } from './node-runtime';

/**
 * Registers a node's metrics. Values are read from the runtime's own counters when Prometheus scrapes, so
 * the request path pays nothing for metrics.
 */
export function registerNodeMetrics(registry: Registry, runtime: NodeRuntime): void {
  const groups = () => runtime.groups.all().map((g) => ({ name: g.name, stats: g.stats() }));
  const registers = [registry];

  new Counter({
    name: 'ringcache_gets_total',
    help: 'Gets by group and outcome: hit (main cache), hot (hot cache), peer (fetched from the owner), load (loaded here), not_found, error.',
    labelNames: ['group', 'outcome'],
    registers,
    collect() {
      this.reset();
      for (const { name, stats } of groups()) {
        for (const [outcome, n] of Object.entries(stats.gets)) this.inc({ group: name, outcome }, n);
      }
    },
  });
  new Counter({
    name: 'ringcache_loads_total',
    help: 'Loader calls by group and result (ok, not_found, error).',
    labelNames: ['group', 'result'],
    registers,
    collect() {
      this.reset();
      for (const { name, stats } of groups()) {
        for (const [result, n] of Object.entries(stats.loads)) this.inc({ group: name, result }, n);
      }
    },
  });
  new Counter({
    name: 'ringcache_peer_calls_total',
    help: 'Calls to owner nodes by group and result (ok, unavailable).',
    labelNames: ['group', 'result'],
    registers,
    collect() {
      this.reset();
      for (const { name, stats } of groups()) {
        this.inc({ group: name, result: 'ok' }, stats.peers.ok);
        this.inc({ group: name, result: 'unavailable' }, stats.peers.unavailable);
      }
    },
  });
  new Counter({
    name: 'ringcache_fallbacks_total',
    help: 'Owner unreachable: calls to the next owner (next_owner) and local loads after every owner failed (last_resort).',
    labelNames: ['group', 'kind'],
    registers,
    collect() {
      this.reset();
      for (const { name, stats } of groups()) {
        this.inc({ group: name, kind: 'next_owner' }, stats.peers.fallbacks);
        this.inc({ group: name, kind: 'last_resort' }, stats.peers.lastResort);
      }
    },
  });
  new Counter({
    name: 'ringcache_coalesced_total',
    help: 'Gets that joined a load or peer fetch already in flight on this node.',
    labelNames: ['group'],
    registers,
    collect() {
      this.reset();
      for (const { name, stats } of groups()) this.inc({ group: name }, stats.coalesced);
    },
  });
  new Counter({
    name: 'ringcache_peer_requests_total',
    help: 'Peer protocol requests received, by the hops they had made (0: from a gateway or client; 1: forwarded by a node).',
    labelNames: ['hops'],
    registers,
    collect() {
      this.reset();
      for (const [hops, n] of Object.entries(runtime.peerService.stats().requestsByHops))
        this.inc({ hops }, n);
    },
  });
  new Counter({
    name: 'ringcache_ring_version_mismatches_total',
    help: "Peer requests whose sender's ring version differed from this node's.",
    registers,
    collect() {
      this.reset();
      this.inc(runtime.peerService.stats().ringVersionMismatches);
    },
  });
  new Gauge({
    name: 'ringcache_cache_bytes',
    help: 'Bytes held by group and cache (main: keys this node owns; hot: copies of popular keys owned elsewhere).',
    labelNames: ['group', 'cache'],
    registers,
    collect() {
      this.reset();
      for (const { name, stats } of groups()) {
        this.set({ group: name, cache: 'main' }, stats.main.bytes);
        this.set({ group: name, cache: 'hot' }, stats.hot.bytes);
      }
    },
  });
  new Gauge({
    name: 'ringcache_cache_items',
    help: 'Entries held by group and cache.',
    labelNames: ['group', 'cache'],
    registers,
    collect() {
      this.reset();
      for (const { name, stats } of groups()) {
        this.set({ group: name, cache: 'main' }, stats.main.items);
        this.set({ group: name, cache: 'hot' }, stats.hot.items);
      }
    },
  });
  new Counter({
    name: 'ringcache_evictions_total',
    help: 'Entries dropped to make room, by group and cache.',
    labelNames: ['group', 'cache'],
    registers,
    collect() {
      this.reset();
      for (const { name, stats } of groups()) {
        this.inc({ group: name, cache: 'main' }, stats.main.evictions);
        this.inc({ group: name, cache: 'hot' }, stats.hot.evictions);
      }
    },
  });
  new Counter({
    name: 'ringcache_writes_total',
    help: 'Writes served here as the owner (set, delete) and flushes applied, by group.',
    labelNames: ['group', 'kind'],
    registers,
    collect() {
      this.reset();
      for (const { name, stats } of groups()) {
        this.inc({ group: name, kind: 'set' }, stats.writes.sets);
        this.inc({ group: name, kind: 'delete' }, stats.writes.deletes);
        this.inc({ group: name, kind: 'flush' }, stats.writes.flushes);
      }
    },
  });
  new Counter({
    name: 'ringcache_invalidations_total',
    help: 'Invalidations an owner sent to the other nodes after a write, by result (sent, failed).',
    labelNames: ['group', 'result'],
    registers,
    collect() {
      this.reset();
      for (const { name, stats } of groups()) {
        this.inc({ group: name, result: 'sent' }, stats.invalidations.sent);
        this.inc({ group: name, result: 'failed' }, stats.invalidations.failed);
      }
    },
  });
  new Counter({
    name: 'ringcache_active_expirations_total',
    help: 'Entries removed by active expiry (delay queue, or the local sweep without etcd) rather than on read.',
    labelNames: ['group'],
    registers,
    collect() {
      this.reset();
      for (const { name, stats } of groups()) this.inc({ group: name }, stats.activeExpirations);
    },
  });
  new Gauge({
    name: 'ringcache_expiry_queue',
    help: 'Active expiry on this node, by counter: scheduled, written, failed, dropped, pending (etcd delay queue), or sweeps, removed, scheduled (the local sweep without etcd).',
    labelNames: ['counter'],
    registers,
    collect() {
      this.reset();
      for (const [counter, n] of Object.entries(runtime.expiryStats())) this.set({ counter }, n);
    },
  });
  new Gauge({
    name: 'ringcache_group_generation',
    help: "The group's flush generation on this node.",
    labelNames: ['group'],
    registers,
    collect() {
      this.reset();
      for (const { name, stats } of groups()) this.set({ group: name }, stats.generation);
    },
  });
  new Gauge({
    name: 'ringcache_ring_members',
    help: 'Nodes on this process’s ring.',
    registers,
    collect() {
      this.set(runtime.peers.size);
    },
  });
  new Gauge({
    name: 'ringcache_ring_info',
    help: "This process's ring version (label); the value is always 1.",
    labelNames: ['version'],
    registers,
    collect() {
      this.reset();
      this.set({ version: runtime.peers.ringVersion }, 1);
    },
  });
}

/** The histogram of how late active expiry removed entries; observed as it happens. */
export function expiryLatenessHistogram(registry: Registry): Histogram<'group'> {
  return new Histogram({
    name: 'ringcache_expiry_lateness_seconds',
    help: 'How long after its expiry an entry was removed by active expiry.',
    labelNames: ['group'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.1, 1.5, 2, 5],
    registers: [registry],
  });
}
