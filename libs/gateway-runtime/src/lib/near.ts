import type { NearCache } from '@ringcache/cache-core';

import type { InvalidationSubscriptions } from '@ringcache/peer-http';
import type { KeyFastPath } from './key-fast-path';

/** The gateway's near cache (absent when `gateway.nearCacheBytes` is 0) and what feeds and serves it. */
export interface GatewayNear {
  cache?: NearCache;
  /** Key reads and writes answered in node:http before Fastify (near-cache hits, and calls to owners). */
  fastPath: KeyFastPath;
  /** The invalidation streams feeding the cache. */
  subscriptions?: InvalidationSubscriptions;
}
