// The `@ringcache/client/nest` entry: the NestJS module. Apart from the main entry so that a service without
// Nest never loads it; `@nestjs/common` is an optional peer dependency that only this entry needs.
export { RingcacheModule, RINGCACHE_CLIENT } from './lib/ringcache.module';
export type { RingcacheModuleAsyncOptions, RingcacheModuleSettings } from './lib/ringcache.module';
