import {
  Inject,
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type OptionalFactoryDependency,
} from '@nestjs/common';

import type { RingcacheClientOptions } from './client-options';
import { RingcacheClient } from './ringcache-client';

/** Injection token of the module's RingcacheClient (the class itself is a token too). */
export const RINGCACHE_CLIENT = 'ringcache:RingcacheClient';

/** How the module provides its client. */
export interface RingcacheModuleSettings {
  /** Make the client injectable in every module, not only in those importing this one. Default true. */
  global?: boolean;
  /**
   * Wait for `client.ready()` (a first node known) while the app starts, so an app that cannot find the
   * cluster fails at startup. Default true.
   */
  waitForReady?: boolean;
}

/** Options of {@link RingcacheModule.forRootAsync}. */
export interface RingcacheModuleAsyncOptions extends RingcacheModuleSettings {
  /** Modules exporting the providers `useFactory` needs. Default none. */
  imports?: ModuleMetadata['imports'];
  /** Tokens whose providers are passed to `useFactory`, in order. Default none. */
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** Builds the client options (from a config service, say). */
  useFactory: (...args: never[]) => RingcacheClientOptions | Promise<RingcacheClientOptions>;
}

/**
 * Provides a RingcacheClient to a NestJS app, under {@link RINGCACHE_CLIENT} and under the class, and
 * closes it when the app shuts down (`app.close()`, or a signal with `enableShutdownHooks()`).
 *
 * ```ts
 * @Module({ imports: [RingcacheModule.forRoot({ etcd: { endpoints: ['http://127.0.0.1:2379'] } })] })
 * class AppModule {}
 * ```
 */
@Module({})
export class RingcacheModule implements OnApplicationShutdown {
  constructor(@Inject(RINGCACHE_CLIENT) private readonly client: RingcacheClient) {}

  /** A module with a client built from `options` (validated while the app starts). */
  static forRoot(options: RingcacheClientOptions, settings: RingcacheModuleSettings = {}): DynamicModule {
    return RingcacheModule.forRootAsync({ ...settings, useFactory: () => options });
  }

  /** A module with a client built from options that a factory returns, with injected dependencies. */
  static forRootAsync(options: RingcacheModuleAsyncOptions): DynamicModule {
    const { waitForReady = true } = options;
    return {
      module: RingcacheModule,
      global: options.global ?? true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: RINGCACHE_CLIENT,
          inject: options.inject ?? [],
          useFactory: async (...args: never[]) => {
            const client = new RingcacheClient(await options.useFactory(...args));
            if (waitForReady) {
              try {
                await client.ready();
              } catch (error) {
                await client.close();
                throw error;
              }
            }
            return client;
          },
        },
        { provide: RingcacheClient, useExisting: RINGCACHE_CLIENT },
      ],
      exports: [RINGCACHE_CLIENT, RingcacheClient],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
