import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { describeConfig, type RingcacheConfig } from '@ringcache/config';
import { closeOnSignals, createFastifyAdapter, nestLogLevels } from '@ringcache/app-shell';
import { peerHttpFrameworkErrors } from '@ringcache/peer-http';

import { gatewayBodyParsers } from './body-parsers';
import { GatewayModule } from './gateway.module';

/** Starts the gateway on gateway.host:gateway.port; SIGTERM/SIGINT close it gracefully. */
export async function startGateway(config: RingcacheConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot(config),
    // Bad percent-encoding is rejected by Fastify's router before any route: answer it as JSON 400.
    createFastifyAdapter({ frameworkErrors: peerHttpFrameworkErrors }),
    { logger: nestLogLevels(config.log.level) },
  );
  closeOnSignals(app, { name: 'gateway' });
  // Room for the largest value, and for a batch of 1,000 keys of 1 KiB written as JSON.
  gatewayBodyParsers(
    app.getHttpAdapter().getInstance(),
    Math.max(config.gateway.maxValueBytes + 1, 8 * 1024 * 1024),
  );
  await app.listen(config.gateway.port, config.gateway.host);
  const logger = new Logger('gateway');
  logger.log(`gateway listening on http://${config.gateway.host}:${config.gateway.port}`);
  for (const line of describeConfig(config).split('\n')) logger.log(line);
  return app;
}
