export { CacheNodeModule } from './lib/cache-node.module';
export type { GroupContext, GroupDefinition } from './lib/group-definition';
export { NodeRuntime } from './lib/node-runtime';
export type { NodeRuntimeOptions, RuntimeLogger } from './lib/node-runtime';
export { startCacheNode } from './lib/start-cache-node';
