import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { listeningPort, METRICS_REGISTRY, registerInFlightMetrics, startHttpApp } from '@ringcache/app-shell';
import { InFlightLimiter, PEER_HANDLER, type PeerHandler } from '@ringcache/cache-core';
import {
  ConfigError,
  describeConfig,
  nodeProtectedModeProblem,
  type RingcacheConfig,
} from '@ringcache/config';
import { checkEtcdSignInFromConfig, tlsFromConfig } from '@ringcache/discovery';
import { grpcServerCredentials, grpcServerOptions, PeerGrpcHealth } from '@ringcache/peer-grpc';
import {
  isInvalidationStream,
  PeerFrameServer,
  PeerHttpFastPath,
  peerHttpFrameworkErrors,
} from '@ringcache/peer-http';

import { CacheNodeModule } from './cache-node.module';
import { registerFrameMetrics } from './frame-metrics';
import type { GroupDefinition } from './group-definition';
import { NodeRuntime } from './node-runtime';

/**
 * Starts a cache node: the peer protocol over gRPC (node.grpcPort) and, on one Fastify server
 * (node.httpPort), the HTTP peer endpoint (its data calls also as frames on upgraded connections), /healthz,
 * /readyz, /metrics and /cluster; then joins the cluster. SIGTERM/SIGINT leave the cluster first, then
 * drain requests in flight, and exit 0.
 *
 * With `tls` configured both ports take only clients presenting a certificate from its CA (mutual TLS).
 * Protected mode: on a non-loopback address without `tls` (nor `security.insecure`) it throws a
 * ConfigError instead of starting.
 */
export async function startCacheNode(
  config: RingcacheConfig,
  groups: GroupDefinition[],
): Promise<NestFastifyApplication> {
  const problem = nodeProtectedModeProblem(config);
  if (problem) throw new ConfigError([problem]);
  // Before anything listens: unusable certificate files stop the start with the file named.
  const tls = tlsFromConfig(config, new Logger('tls'));
  // Refused etcd credentials stop the start here, with the settings named, rather than in a retry loop.
  await checkEtcdSignInFromConfig(config);
  let grpcPort = config.node.grpcPort;
  // The read path of the HTTP peer protocol, answered before Fastify (see PeerHttpFastPath).
  const logger = new Logger('PeerHttp');
  const peerFastPath = new PeerHttpFastPath({
    onInternalError: (error, request, reqId) =>
      logger.error({ msg: `${request.method} ${request.url} failed`, reqId, err: error }),
    onServerError: ({ status, body }, request, reqId) =>
      logger.warn({ msg: `${request.method} ${request.url}: ${status} ${body.message}`, reqId, status }),
  });
  // One bound for the node's peer requests, over HTTP and gRPC alike: past it they are answered overloaded.
  const inFlight = new InFlightLimiter({ max: config.node.maxInFlight });
  // The same requests as frames, on connections upgraded from HTTP on the same port (see PeerFrameServer).
  const frames = new PeerFrameServer({ fastPath: peerFastPath, inFlight });
  const app = await startHttpApp(CacheNodeModule.forRoot({ config, groups }), {
    name: 'cache-node',
    host: config.node.host,
    port: config.node.httpPort,
    logLevel: config.log.level,
    logFormat: config.log.format,
    slowRequestMs: config.log.slowRequestMs,
    nodeName: config.node.name,
    isStream: isInvalidationStream,
    mutualTls: tls,
    // Bad percent-encoding is rejected by Fastify's router before any route: answer it as our JSON 400.
    frameworkErrors: peerHttpFrameworkErrors,
    fastPath: (request, response, log) => peerFastPath.serve(request, response, log),
    inFlight,
    // A client that stops sending part-way through a request gives its slot back after this.
    requestTimeoutMs: config.node.requestTimeoutMs,
    upgrade: frames,
    beforeListen: async (nest) => {
      registerInFlightMetrics(nest.get(METRICS_REGISTRY), inFlight);
      registerFrameMetrics(nest.get(METRICS_REGISTRY), frames);
      const handler = nest.get<PeerHandler>(PEER_HANDLER);
      peerFastPath.handler = handler;
      const health = nest.get(PeerGrpcHealth);
      const onListening = (port: number) => (grpcPort = port);
      nest.connectMicroservice(
        grpcServerOptions({
          url: `${config.node.host}:${config.node.grpcPort}`,
          handler,
          health,
          inFlight,
          onListening,
          credentials: tls && grpcServerCredentials(tls),
        }),
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
  const nodeLogger = new Logger('cache-node');
  nodeLogger.log(
    `node ${config.node.name} serving gRPC on ${config.node.host}:${grpcPort}, joined as ${host}`,
  );
  for (const line of describeConfig(config, 'node').split('\n')) nodeLogger.log(line);
  return app;
}
