import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { listeningPort, startHttpApp } from '@ringcache/app-shell';
import { describeConfig, type RingcacheConfig } from '@ringcache/config';
import { grpcServerOptions, PeerGrpcHealth } from '@ringcache/peer-grpc';
import { isInvalidationStream, peerHttpFrameworkErrors } from '@ringcache/peer-http';

import { CacheNodeModule } from './cache-node.module';
import type { GroupDefinition } from './group-definition';
import { NodeRuntime } from './node-runtime';

/**
 * Starts a cache node: the peer protocol over gRPC (node.grpcPort) and, on one Fastify server
 * (node.httpPort), the HTTP peer endpoint, /healthz, /readyz, /metrics and /cluster; then joins the
 * cluster. SIGTERM/SIGINT leave the cluster first, then drain requests in flight, and exit 0.
 */
export async function startCacheNode(
  config: RingcacheConfig,
  groups: GroupDefinition[],
): Promise<NestFastifyApplication> {
  let grpcPort = config.node.grpcPort;
  const app = await startHttpApp(CacheNodeModule.forRoot({ config, groups }), {
    name: 'cache-node',
    host: config.node.host,
    port: config.node.httpPort,
    logLevel: config.log.level,
    logFormat: config.log.format,
    slowRequestMs: config.log.slowRequestMs,
    nodeName: config.node.name,
    isStream: isInvalidationStream,
    // Bad percent-encoding is rejected by Fastify's router before any route: answer it as our JSON 400.
    frameworkErrors: peerHttpFrameworkErrors,
    beforeListen: async (nest) => {
      const health = nest.get(PeerGrpcHealth);
      const onListening = (port: number) => (grpcPort = port);
      nest.connectMicroservice(
        grpcServerOptions({ url: `${config.node.host}:${config.node.grpcPort}`, health, onListening }),
        {
          inheritAppConfig: true,
        },
      );
      await nest.startAllMicroservices();
    },
  });
  const httpPort = listeningPort(app);
  // Join only now that both servers answer: peers may send requests as soon as they see this node.
  const host = config.node.advertiseHost;
  await app
    .get(NodeRuntime)
    .join({ name: config.node.name, grpcAddress: `${host}:${grpcPort}`, httpAddress: `${host}:${httpPort}` });
  const logger = new Logger('cache-node');
  logger.log(`node ${config.node.name} serving gRPC on ${config.node.host}:${grpcPort}, joined as ${host}`);
  for (const line of describeConfig(config).split('\n')) logger.log(line);
  return app;
}
