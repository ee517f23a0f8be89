import { type DynamicModule, Module } from '@nestjs/common';

import type { RingcacheConfig } from './ringcache-config';

/** Injection token of the {@link RingcacheConfig}: `@Inject(RINGCACHE_CONFIG) config: RingcacheConfig`. */
export const RINGCACHE_CONFIG = 'RINGCACHE_CONFIG';

/**
 * Makes the loaded configuration injectable everywhere in an app. The app's main file loads it (so that
 * a bad configuration stops the process before Nest starts) and passes it in; this module only wires it.
 */
@Module({})
export class RingcacheConfigModule {
  /** A global module providing `config` under {@link RINGCACHE_CONFIG}. */
  static forRoot(config: RingcacheConfig): DynamicModule {
    return {
      module: RingcacheConfigModule,
      global: true,
      providers: [{ provide: RINGCACHE_CONFIG, useValue: config }],
      exports: [RINGCACHE_CONFIG],
    };
  }
}
