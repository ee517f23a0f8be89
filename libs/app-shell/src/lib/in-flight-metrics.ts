import { Counter, Gauge, type Registry } from 'prom-client';

import type { InFlightLimiter } from '@ringcache/cache-core';

/**
 * The load-shedding bound on /metrics: requests under way now and requests refused since start (answered
 * 503 `overloaded`, or gRPC RESOURCE_EXHAUSTED on a node, whose two ports share one bound). Read from the
 * limiter at scrape time.
 */
export function registerInFlightMetrics(registry: Registry, limiter: InFlightLimiter): void {
  const registers = [registry];
  new Gauge({
    name: 'ringcache_requests_in_flight',
    help: 'Requests being served now, counted against maxInFlight (probes, scrapes and streams are not).',
    registers,
    collect() {
      this.set(limiter.inFlight);
    },
  });
  new Gauge({
    name: 'ringcache_requests_in_flight_max',
    help: 'The bound on requests in flight (maxInFlight): past it a request is refused at once.',
    registers,
    collect() {
      this.set(limiter.max);
    },
  });
  new Counter({
    name: 'ringcache_requests_shed_total',
    help: 'Requests refused at once because maxInFlight requests were in flight (503 overloaded).',
    registers,
    collect() {
      this.reset();
      this.inc(limiter.refused);
    },
  });
}
