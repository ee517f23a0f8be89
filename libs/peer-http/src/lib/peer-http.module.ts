import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';

import { PEER_HTTP_OPTIONS, PeerHttpController } from './peer-http.controller';

/** Options of {@link PeerHttpModule.forRoot}. */
export interface PeerHttpModuleOptions {
  /**
   * Modules to import so that PEER_HANDLER can be injected: one of them provides and exports it. Default:
   * none, which works when PEER_HANDLER comes from a global module.
   */
  imports?: ModuleMetadata['imports'];
  /** Largest request body in bytes; larger ones are answered 413. Default 16 MiB. */
  maxBodyBytes?: number;
}

/**
 * Serves the HTTP peer protocol (`/_ringcache/*`) in a Nest app on Fastify, calling the PeerHandler the app
 * provides under PEER_HANDLER. Import `PeerHttpModule.forRoot({ imports: [ModuleExportingTheHandler] })`,
 * or plain `PeerHttpModule` when the handler is provided by a global module.
 */
@Module({ providers: [PeerHttpController] })
export class PeerHttpModule {
  /** The module with the handler's module imported and options set. */
  static forRoot(options: PeerHttpModuleOptions = {}): DynamicModule {
    return {
      module: PeerHttpModule,
      imports: options.imports ?? [],
      providers: [{ provide: PEER_HTTP_OPTIONS, useValue: { maxBodyBytes: options.maxBodyBytes } }],
    };
  }
}
