import { Module } from '@nestjs/common';

import { PeerGrpcHealth } from './peer-grpc-health';

/**
 * Provides a PeerGrpcHealth that turns NOT_SERVING when the app shuts down: pass `app.get(PeerGrpcHealth)`
 * to grpcServerOptions, with the app's PeerHandler, and `app.connectMicroservice(...)` them.
 */
@Module({
  providers: [{ provide: PeerGrpcHealth, useFactory: () => new PeerGrpcHealth() }],
  exports: [PeerGrpcHealth],
})
export class PeerGrpcModule {}
