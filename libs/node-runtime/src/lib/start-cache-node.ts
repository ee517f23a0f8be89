import type { AddressInfo } from 'node:net';

import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { closeOnSignals, createFastifyAdapter, nestLogLevels } from '@ringcache/app-shell';
import { describeConfig, type RingcacheConfig } from '@ringcache/config';
import { grpcServerOptions, PeerGrpcHealth } from '@ringcache/peer-grpc';
import { peerHttpFrameworkErrors } from '@ringcache/peer-http';

import { CacheNodeModule } from './cache-node.module';
import type { GroupDefinition } from './group-definition';
import { NodeRuntime } from './node-runtime';

/**
 * Starts a cache node: the peer protocol over gRPC (node.grpcPort) and, on one Fastify server
 * (node.httpPort), the HTTP peer endpoint, /healthz, /readyz, /metrics and /cluster. SIGTERM/SIGINT close
 * it gracefully: stop accepting, finish requests in flight, leave the cluster, exit.
 */
export async function startCacheNode(
  config: RingcacheConfig,
  groups: GroupDefinition[],
): Promise<INestApplication> {
  const logger = new Logger('cache-node');
  const app = await NestFactory.create<NestFastifyApplication>(
    CacheNodeModule.forRoot({ config, groups }),
    // Bad percent-encoding is rejected by Fastify's router before any route: answer it as our JSON 400.
    createFastifyAdapter({ frameworkErrors: peerHttpFrameworkErrors }),
    { logger: nestLogLevels(config.log.level) },
  );
  closeOnSignals(app, { name: 'cache-node' });
  const health = app.get(PeerGrpcHealth);
  let grpcPort = config.node.grpcPort;
  const onListening = (port: number) => (grpcPort = port);
  app.connectMicroservice(
    grpcServerOptions({ url: `${config.node.host}:${config.node.grpcPort}`, health, onListening }),
    {
      inheritAppConfig: true,
    },
  );
  await app.startAllMicroservices();
  await app.listen(config.node.httpPort, config.node.host);
  const httpPort = (app.getHttpServer().address() as AddressInfo).port;
  // Join only now that both servers answer: peers may send requests as soon as they see this node.
  const host = config.node.advertiseHost;
  await app.get(NodeRuntime).join({
    name: config.node.name,
    grpcAddress: `${host}:${grpcPort}`,
    httpAddress: `${host}:${httpPort}`,
  });
  logger.log(
    `node ${config.node.name} serving gRPC on ${config.node.host}:${grpcPort}, HTTP on http://${config.node.host}:${httpPort}`,
  );
  for (const line of describeConfig(config).split('\n')) logger.log(line);
  return app;
}
