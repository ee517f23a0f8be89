export { Lru } from './lib/lru';
export type { EvictionReason, LruOptions, LruStats, SetOptions } from './lib/lru';
