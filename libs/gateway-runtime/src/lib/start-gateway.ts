import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { startHttpApp } from '@ringcache/app-shell';
import { NearCache } from '@ringcache/cache-core';
import { describeConfig, type RingcacheConfig } from '@ringcache/config';
import { peerHttpFrameworkErrors } from '@ringcache/peer-http';

import { gatewayBodyParsers } from './body-parsers';
import { GatewayModule } from './gateway.module';
import type { GatewayNear } from './near';
import { nearCacheServerFactory } from './near-cache-fast-path';

/** Starts the gateway on gateway.host:gateway.port; SIGTERM/SIGINT close it gracefully. */
export async function startGateway(config: RingcacheConfig): Promise<NestFastifyApplication> {
  const near: GatewayNear = {
    cache:
      config.gateway.nearCacheBytes > 0
        ? new NearCache({ maxBytes: config.gateway.nearCacheBytes })
        : undefined,
    fastPath: { hits: 0 },
  };
  const app = await startHttpApp(GatewayModule.forRoot(config, near), {
    name: 'gateway',
    host: config.gateway.host,
    port: config.gateway.port,
    logLevel: config.log.level,
    // Bad percent-encoding is rejected by Fastify's router before any route: answer it as JSON 400.
    frameworkErrors: peerHttpFrameworkErrors,
    // Near-cache hits are answered before Fastify: see near-cache-fast-path.ts.
    serverFactory: near.cache ? nearCacheServerFactory(near.cache, near.fastPath) : undefined,
    // Room for the largest value, and for a batch of 1,000 keys of 1 KiB written as JSON.
    configure: (fastify) =>
      gatewayBodyParsers(fastify, Math.max(config.gateway.maxValueBytes + 1, 8 * 1024 * 1024)),
  });
  for (const line of describeConfig(config).split('\n')) new Logger('gateway').log(line);
  return app;
}
