import type { NearCache } from '@ringcache/cache-core';

import type { InvalidationSubscriptions } from '@ringcache/peer-http';
import type { ReadFastPath } from './read-fast-path';

/** The gateway's near cache (absent when `gateway.nearCacheBytes` is 0) and what feeds and serves it. */
export interface GatewayNear {
  cache?: NearCache;
  /** Reads answered in node:http before Fastify: near-cache hits, and reads sent to owners. */
  fastPath: ReadFastPath;
  /** The invalidation streams feeding the cache. */
  subscriptions?: InvalidationSubscriptions;
}
