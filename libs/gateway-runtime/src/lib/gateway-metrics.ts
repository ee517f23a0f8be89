import { Counter, Gauge, type Registry } from 'prom-client';

import type { ClusterRouter, PeerSet } from '@ringcache/cache-core';

import type { GatewayNear } from './near';

/** Registers the gateway's metrics, read from the router's counters at scrape time. */
export function registerGatewayMetrics(
  registry: Registry,
  router: ClusterRouter,
  peers: PeerSet,
  near: GatewayNear,
): void {
  const registers = [registry];
  new Counter({
    name: 'ringcache_gateway_upstream_calls_total',
    help: 'Calls from the gateway to cache nodes, by result (ok, unavailable, error).',
    labelNames: ['result'],
    registers,
    collect() {
      this.reset();
      for (const [result, n] of Object.entries(router.stats().upstream)) this.inc({ result }, n);
    },
  });
  new Counter({
    name: 'ringcache_gateway_fallbacks_total',
    help: 'Requests sent to the next owner because the owner was unreachable.',
    registers,
    collect() {
      this.reset();
      this.inc(router.stats().fallbacks);
    },
  });
  new Counter({
    name: 'ringcache_gateway_unavailable_total',
    help: 'Requests answered 503 because no owner answered.',
    registers,
    collect() {
      this.reset();
      this.inc(router.stats().unavailable);
    },
  });
  new Gauge({
    name: 'ringcache_ring_members',
    help: "Nodes on this process's ring.",
    registers,
    collect() {
      this.set(peers.size);
    },
  });
  new Gauge({
    name: 'ringcache_ring_info',
    help: "This process's ring version (label); the value is always 1.",
    labelNames: ['version'],
    registers,
    collect() {
      this.reset();
      this.set({ version: peers.ringVersion }, 1);
    },
  });
  new Counter({
    name: 'ringcache_gateway_near_cache_hits_total',
    help: "Reads answered from the gateway's near cache.",
    registers,
    collect() {
      this.reset();
      this.inc(near.fastPath.stats.hits);
    },
  });
  new Counter({
    name: 'ringcache_gateway_near_cache_invalidations_total',
    help: 'Invalidations the near cache applied (from owners, and from writes through this gateway).',
    registers,
    collect() {
      this.reset();
      this.inc(near.cache?.stats().invalidations ?? 0);
    },
  });
  new Counter({
    name: 'ringcache_gateway_near_cache_not_admitted_total',
    help: 'Answers the full near cache did not keep: keys missed only once among its recent refusals.',
    registers,
    collect() {
      this.reset();
      this.inc(near.cache?.stats().notAdmitted ?? 0);
    },
  });
  new Gauge({
    name: 'ringcache_gateway_near_cache_bytes',
    help: 'Bytes held by the near cache.',
    registers,
    collect() {
      this.set(near.cache?.stats().bytes ?? 0);
    },
  });
  new Gauge({
    name: 'ringcache_gateway_near_cache_enabled',
    help: '1 while the near cache serves (every invalidation stream connected), else 0.',
    registers,
    collect() {
      this.set(near.cache?.enabled ? 1 : 0);
    },
  });
}
