import { Module } from '@nestjs/common';
import type { DynamicModule, ModuleMetadata } from '@nestjs/common';

import { PeerGrpcHealth } from './peer-grpc-health';
import { PeerGrpcController } from './peer-grpc.controller';

/** Options of {@link PeerGrpcModule.register}. */
export interface PeerGrpcModuleOptions {
  /** Modules that provide and export the PeerHandler under PEER_HANDLER. */
  imports: NonNullable<ModuleMetadata['imports']>;
}

/**
 * Registers PeerGrpcController, the gRPC side of the peer protocol, and provides a PeerGrpcHealth that turns
 * NOT_SERVING when the app shuts down (pass `app.get(PeerGrpcHealth)` to grpcServerOptions). The app
 * provides the PeerHandler under PEER_HANDLER: import this module as is when that provider is global, or
 * through `register({ imports })` naming the module that exports it. Serving also needs
 * `app.connectMicroservice(grpcServerOptions(...))`.
 */
@Module({
  controllers: [PeerGrpcController],
  providers: [{ provide: PeerGrpcHealth, useFactory: () => new PeerGrpcHealth() }],
  exports: [PeerGrpcHealth],
})
export class PeerGrpcModule {
  /** This module, with the modules that export PEER_HANDLER. */
  static register(options: PeerGrpcModuleOptions): DynamicModule {
    return { module: PeerGrpcModule, imports: options.imports };
  }
}
