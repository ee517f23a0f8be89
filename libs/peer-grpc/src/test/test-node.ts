import { Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

import type { PeerHandler } from '@ringcache/cache-core';

import { grpcServerOptions } from '../lib/grpc-server-options';
import type { GrpcServerOptions } from '../lib/grpc-server-options';
import { PeerGrpcHealth } from '../lib/peer-grpc-health';
import { PeerGrpcModule } from '../lib/peer-grpc.module';

/** A running test node: a hybrid Nest app on Fastify serving `handler` over gRPC on a free loopback port. */
export interface TestNode {
  app: INestApplication;
  /** `127.0.0.1:<port>` of the gRPC server. */
  grpcAddress: string;
  grpcPort: number;
  httpPort: number;
  health: PeerGrpcHealth;
  close(): Promise<void>;
}

/**
 * Starts a node the way cache-node does — NestFactory with Fastify, connectMicroservice(grpcServerOptions),
 * startAllMicroservices, listen — with `handler` provided under PEER_HANDLER by the app's own module.
 */
export async function startTestNode(
  handler: PeerHandler,
  options: Pick<GrpcServerOptions, 'shutdownGraceMs' | 'flowControlWindowBytes'> = {},
): Promise<TestNode> {
  @Module({ imports: [PeerGrpcModule] })
  class TestNodeModule {}

  const app = await NestFactory.create(TestNodeModule, new FastifyAdapter(), { logger: false });
  const health = app.get(PeerGrpcHealth);
  let grpcPort = 0;
  app.connectMicroservice(
    grpcServerOptions({
      ...options,
      url: '127.0.0.1:0',
      handler,
      health,
      onListening: (port) => (grpcPort = port),
    }),
  );
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const httpPort = (app.getHttpServer().address() as { port: number }).port;
  return {
    app,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    grpcPort,
    httpPort,
    health,
    close: () => app.close(),
  };
}
