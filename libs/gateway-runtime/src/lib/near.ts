import type { NearCache } from '@ringcache/cache-core';

import type { InvalidationSubscriptions } from './invalidation-subscriptions';
import type { FastPathStats } from './near-cache-fast-path';

/** The gateway's near cache (absent when `gateway.nearCacheBytes` is 0) and what feeds and measures it. */
export interface GatewayNear {
  cache?: NearCache;
  /** Hits answered by the fast path, before Fastify. */
  fastPath: FastPathStats;
  /** The invalidation streams feeding the cache. */
  subscriptions?: InvalidationSubscriptions;
}
