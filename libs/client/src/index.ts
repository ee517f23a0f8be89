export { RingcacheClient } from './lib/ringcache-client';
export type { MembersListener, RequestOptions, SetOptions } from './lib/ringcache-client';
export type { CacheEntry } from './lib/client-calls';
export { CLIENT_DEFAULTS } from './lib/client-options';
export type {
  ClientTransport,
  NodeChannelOptions,
  NodeHttpOptions,
  RingcacheClientOptions,
  RingcacheEtcdOptions,
  RingcacheNode,
} from './lib/client-options';
export type { ClientTlsOptions } from './lib/client-tls';
export type { CacheValue } from './lib/request-values';
export * from './lib/errors';
export type { ClusterRouterStats, FlushResult, Member, PeerSkipCount } from '@ringcache/cache-core';
export type { DiscoveryLogger } from '@ringcache/discovery';
export { registerRingcacheResolver, ringcacheEtcdTarget, RINGCACHE_ETCD_SCHEME } from './lib/etcd-resolver';
export type { RingcacheResolverOptions, RingcacheResolverRegistration } from './lib/etcd-resolver';
