import type { Server } from 'node:http';

import {
  Logger as NestLogger,
  Module,
  type DynamicModule,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';

import { createAppLogger, type LogFormat } from './app-logger';
import { createFastifyAdapter } from './fastify-adapter';
import { closeOnSignals } from './graceful-shutdown';
import type { LogLevel } from './log-levels';
import { LoggingModule, nestLoggerOver } from './logging.module';
import type { InFlightLimiter } from '@ringcache/cache-core';
import type { TlsMaterial } from '@ringcache/tls';

import { entryServer, type ServerTls, type UpgradeHandler } from './entry-server';
import { logRequests, requestLog, type FastPath } from './request-logging';

/** Options of {@link startHttpApp}. */
export interface StartHttpAppOptions {
  /** Name used in logs (`app` on every line), e.g. `cache-node`. */
  name: string;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Least severe log level printed. Default `info`. */
  logLevel?: LogLevel;
  /** JSON lines, or a format for people; default `auto`: pretty when stdout is a terminal. */
  logFormat?: LogFormat;
  /** Where log lines go. Default stdout. */
  logDestination?: DestinationStream;
  /** The cache node's name, on every log line as `node`. Default: none. */
  nodeName?: string;
  /** Requests slower than this many ms are logged as warnings; 0: none. Default 1,000. */
  slowRequestMs?: number;
  /** Set `x-request-id` on every response (the gateway's public API does). Default false. */
  echoRequestId?: boolean;
  /** Requests whose answer is a long-lived stream, never logged as slow (a node's invalidation stream). */
  isStream?: (url: string) => boolean;
  /** Close gracefully and exit on SIGTERM/SIGINT. Default true; tests that host apps in-process pass false. */
  handleSignals?: boolean;
  /** Fastify's handler of errors raised before routing (bad URLs), e.g. the peer protocol's JSON answer. */
  frameworkErrors?: FastifyServerOptions['frameworkErrors'];
  /** Answers some requests in node:http before Fastify sees them (see FastPath). Default none. */
  fastPath?: FastPath;
  /**
   * Sees every request first, before the fast path and Fastify, and may answer it itself (an API-key check,
   * say): the one door of the server. Health, readiness and metrics pass it too. Default none.
   */
  gate?: FastPath;
  /** Bounds the requests served at once; past it, 503 `overloaded` at once (see entryServer). Default none. */
  inFlight?: InFlightLimiter;
  /** Longest a client may take to send a whole request (see entryServer). Default node:http's (5 min). */
  requestTimeoutMs?: number;
  /** Serve HTTPS with this certificate and key instead of HTTP. Default: plain HTTP. */
  tls?: ServerTls;
  /**
   * Serve HTTPS accepting only clients that present a certificate from the material's CA (mutual TLS),
   * following its rotations. Default none.
   */
  mutualTls?: TlsMaterial;
  /**
   * Takes upgrade requests (see entryServer), and ends its connections as the app begins to close. Default
   * none.
   */
  upgrade?: UpgradeHandler;
  /** Changes the Fastify instance before the app starts (body parsers, hooks). */
  configure?: (fastify: FastifyInstance) => void;
  /** Runs after the app is created and before it listens (to connect a gRPC microservice, say). */
  beforeListen?: (app: NestFastifyApplication) => Promise<void>;
}

/**
 * Creates a Nest app on Fastify (Express costs about 5× in the hot path), listens, logs the address,
 * and closes it gracefully on SIGTERM/SIGINT (closeOnSignals). Every ringcache app starts through here.
 * Logs are pino's (see createAppLogger), Nest's own lines included from the first. Failed and slow
 * requests are logged (logRequests).
 */
export async function startHttpApp(
  module: Type<unknown> | DynamicModule,
  options: StartHttpAppOptions,
): Promise<NestFastifyApplication> {
  const logger = createAppLogger({
    app: options.name,
    node: options.nodeName,
    level: options.logLevel,
    format: options.logFormat,
    destination: options.logDestination,
  });
  // Given to Nest from the start, not swapped in after creation: the lines of a startup that fails (the
  // database unreachable, say) are JSON like the others.
  const nestLogger = nestLoggerOver(logger);
  const logOptions = { slowRequestMs: options.slowRequestMs ?? 1_000, isStream: options.isStream };
  const { fastPath, gate, inFlight, tls, mutualTls, upgrade, requestTimeoutMs } = options;
  const echoRequestId = options.echoRequestId ?? false;
  const entry = fastPath || gate || inFlight || tls || mutualTls || upgrade || requestTimeoutMs !== undefined;
  @Module({})
  class HttpAppModule {}
  const app = await NestFactory.create<NestFastifyApplication>(
    { module: HttpAppModule, imports: [LoggingModule.forRoot(logger, nestLogger), module] },
    createFastifyAdapter({
      frameworkErrors: options.frameworkErrors,
      serverFactory: entry
        ? entryServer({
            fastPath,
            gate,
            inFlight,
            requestTimeoutMs,
            tls,
            mutualTls,
            echoRequestId,
            isStream: options.isStream,
            log: requestLog(logger, logOptions),
            upgrade,
          })
        : undefined,
    }),
    // No default body parsing: each app decides (the gateway takes every body raw; the peer routes have
    // their own parsers), so Nest's JSON parser cannot turn a value into an object behind our back.
    { logger: nestLogger, bodyParser: false },
  );
  if (options.handleSignals ?? true) closeOnSignals(app as INestApplication, { name: options.name });
  const fastify = app.getHttpAdapter().getInstance();
  logRequests(fastify, logger, { ...logOptions, echoRequestId });
  if (upgrade)
    fastify.addHook('preClose', (done) => {
      upgrade.close();
      done();
    });
  options.configure?.(fastify);
  await options.beforeListen?.(app);
  const host = options.host ?? '127.0.0.1';
  await app.listen(options.port, host);
  const scheme = mutualTls ? 'https (mutual TLS)' : tls ? 'https' : 'http';
  new NestLogger(options.name).log(`${options.name} listening on ${scheme}://${host}:${listeningPort(app)}`);
  return app;
}

/** The port an app's HTTP server listens on (the one picked, when it was asked for port 0). */
export function listeningPort(app: INestApplication): number {
  const address = (app.getHttpServer() as Server).address();
  if (typeof address !== 'object' || address === null)
    throw new Error('the app is not listening on a TCP port');
  return address.port;
}
