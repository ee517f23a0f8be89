import type { Server as TlsServer } from 'node:tls';

import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';

import { METRICS_REGISTRY, registerInFlightMetrics, startHttpApp } from '@ringcache/app-shell';
import { InFlightLimiter, NearCache } from '@ringcache/cache-core';
import { describeConfig, groupConfig, type RingcacheConfig } from '@ringcache/config';
import { checkEtcdSignInFromConfig } from '@ringcache/discovery';
import { peerHttpFrameworkErrors } from '@ringcache/peer-http';

import { gatewayBodyParsers } from './body-parsers';
import { readCertificate, watchCertificate } from './certificate-watch';
import { GatewayAuth } from './gateway-auth';
import { gatewayGate } from './gateway-gate';
import { isEventStream } from './dashboard/dashboard.controller';
import { serveGatewayDocs } from './gateway-docs';
import { GatewayModule } from './gateway.module';
import type { GatewayNear } from './near';
import { KeyFastPath } from './key-fast-path';
import { checkProtectedMode } from './protected-mode';

/** Options of {@link startGateway} for hosting it in a test process. */
export interface StartGatewayOptions {
  /** Close gracefully and exit on SIGTERM/SIGINT. Default true. */
  handleSignals?: boolean;
  /** Changes the Fastify instance before any route is added (a route hook, say). Default: none. */
  configure?: (fastify: FastifyInstance) => void;
}

/**
 * Starts the gateway on gateway.host:gateway.port, with its OpenAPI document at /docs-json and the page
 * at /docs; SIGTERM/SIGINT close it gracefully. Every request enters through one door: the in-flight bound
 * (gateway.maxInFlight), then the API-key check (gateway.apiKeys), then the fast path or Fastify; HTTPS
 * when gateway.tls is set. Refuses to start unprotected on a non-loopback address (checkProtectedMode).
 */
export async function startGateway(
  config: RingcacheConfig,
  options: StartGatewayOptions = {},
): Promise<NestFastifyApplication> {
  checkProtectedMode(config);
  // Refused etcd credentials stop the start here, with the settings named, rather than in a retry loop.
  await checkEtcdSignInFromConfig(config);
  const { tls } = config.gateway;
  const https = tls.certFile ? readCertificate(tls) : undefined;
  const cache =
    config.gateway.nearCacheBytes > 0
      ? new NearCache({
          maxBytes: config.gateway.nearCacheBytes,
          // Hits answered here never reach a node: counted with the group's own hot-key settings.
          hotKeysOf: (group) => {
            const settings = groupConfig(config, group);
            return { capacity: settings.hotKeyCapacity, windowMs: settings.hotKeyWindowMs };
          },
        })
      : undefined;
  const logger = new Logger('gateway');
  const fastPath = new KeyFastPath({ near: cache, maxValueBytes: config.gateway.maxValueBytes });
  const near: GatewayNear = { cache, fastPath };
  // Past this many requests under way, the next is answered 503 overloaded at once (load shedding).
  const inFlight = new InFlightLimiter({ max: config.gateway.maxInFlight });
  const app = await startHttpApp(GatewayModule.forRoot(config, near), {
    name: 'gateway',
    host: config.gateway.host,
    port: config.gateway.port,
    logLevel: config.log.level,
    logFormat: config.log.format,
    slowRequestMs: config.log.slowRequestMs,
    // Clients find their request in every process's logs by the id they sent, or the one answered here.
    echoRequestId: true,
    // Bad percent-encoding is rejected by Fastify's router before any route: answer it as JSON 400.
    frameworkErrors: peerHttpFrameworkErrors,
    // Reads and writes of keys are answered before Fastify: see key-fast-path.ts.
    fastPath: (request, response, log) => fastPath.serve(request, response, log),
    gate: gatewayGate(new GatewayAuth({ apiKeys: config.gateway.apiKeys })),
    inFlight,
    // A client that stops sending part-way through a request does not hold its slot for node:http's 5 min.
    requestTimeoutMs: config.gateway.requestTimeoutMs,
    // The dashboard's live feed stays open: not a request in flight, never logged as slow.
    isStream: isEventStream,
    tls: https,
    // Room for the largest value, and for a batch of 1,000 keys of 1 KiB written as JSON.
    configure: (fastify) => {
      options.configure?.(fastify);
      gatewayBodyParsers(fastify, Math.max(config.gateway.maxValueBytes + 1, 8 * 1024 * 1024));
    },
    beforeListen: async (app) => {
      registerInFlightMetrics(app.get(METRICS_REGISTRY), inFlight);
      await serveGatewayDocs(app);
    },
    handleSignals: options.handleSignals,
  });
  if (https) {
    const server = app.getHttpServer() as unknown as TlsServer;
    const stop = watchCertificate(server, tls, https, logger);
    server.once('close', stop);
  }
  for (const line of describeConfig(config, 'gateway').split('\n')) logger.log(line);
  return app;
}
