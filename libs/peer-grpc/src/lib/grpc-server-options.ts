import type { Server, ServerCredentials } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { Logger } from '@nestjs/common';
import { Transport } from '@nestjs/microservices';
import type { GrpcOptions } from '@nestjs/microservices';

import type { InFlightLimiter, PeerHandler } from '@ringcache/cache-core';
import { LOADER_OPTIONS, PROTO_PACKAGE, PROTO_PATH } from '@ringcache/proto';

import { boundPort } from './bound-port';
import { boundShutdown } from './bounded-shutdown';
import { flowControlWindow, raiseServerWindows } from './flow-control-window';
import { OpenStreams } from './open-streams';
import { cacheServiceHandlers, serveCacheService, type CacheServiceLogger } from './cache-service';
import { tolerateMalformedRequests } from './malformed-request';
import { DEFAULT_MAX_MESSAGE_BYTES } from './message-size';
import { PeerGrpcHealth } from './peer-grpc-health';

/** Options of {@link grpcServerOptions}. */
export interface GrpcServerOptions {
  /** What serves the `ringcache.v1.Cache` calls: the app's PeerHandler (cache-core's PeerService). Required. */
  handler: PeerHandler;
  /** Where unexpected errors and failures on this node's side are reported. Default: Nest's Logger('PeerGrpc'). */
  logger?: CacheServiceLogger;
  /**
   * Where to listen, `host:port`, e.g. `0.0.0.0:8001`. Required. Port 0 binds a free port; `onListening`
   * tells which.
   */
  url: string;
  /**
   * The health service to serve. Default: a new PeerGrpcHealth reporting SERVING. Pass
   * `app.get(PeerGrpcHealth)` (provided by PeerGrpcModule) so it turns NOT_SERVING when shutdown begins.
   */
  health?: PeerGrpcHealth;
  /** Largest message received or sent, in bytes. Default 16 MiB (DEFAULT_MAX_MESSAGE_BYTES). */
  maxMessageBytes?: number;
  /**
   * The HTTP/2 receive window of every connection a peer opens here, and of each of its streams, in bytes:
   * how much a peer may send before it waits to hear this node read it (see flowControlWindow). 65,535
   * (HTTP/2's own) to 2^31 - 1; default maxMessageBytes.
   */
  flowControlWindowBytes?: number;
  /**
   * On close, how long calls in progress may take to finish before they are cancelled, in ms (0: cancel at
   * once). Default 5,000. Open `Health.Watch` streams last the whole grace period.
   */
  shutdownGraceMs?: number;
  /** Bounds the Cache calls served at once (shared with the node's HTTP server); past it, RESOURCE_EXHAUSTED. */
  inFlight?: InFlightLimiter;
  /**
   * Server credentials, e.g. grpcServerCredentials(material) for mutual TLS. Default: insecure (plaintext
   * HTTP/2, for a trusted network).
   */
  credentials?: ServerCredentials;
  /** Called once the server is bound and its services added, with the port it listens on. Default none. */
  onListening?: (port: number) => void;
}

/**
 * Microservice options that serve the peer protocol (`ringcache.v1.Cache`, answered by the PeerHandler
 * through cacheServiceHandlers) and the standard `grpc.health.v1.Health` service on one grpc-js server,
 * created and run by Nest's gRPC transport:
 *
 * ```ts
 * const app = await NestFactory.create(CacheNodeModule, new FastifyAdapter());
 * const handler = app.get(PEER_HANDLER);
 * app.connectMicroservice(grpcServerOptions({ url: '0.0.0.0:8001', handler, health: app.get(PeerGrpcHealth) }));
 * await app.startAllMicroservices();
 * await app.listen(8101);
 * ```
 */
export function grpcServerOptions(options: GrpcServerOptions): GrpcOptions {
  const { url, shutdownGraceMs = 5_000, onListening } = options;
  if (typeof url !== 'string' || !/^(\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+):\d{1,5}$/.test(url)) {
    throw new TypeError(`grpcServerOptions option url must be host:port, got ${JSON.stringify(url)}`);
  }
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes <= 0) {
    throw new RangeError(
      `grpcServerOptions option maxMessageBytes must be a positive integer, got ${maxMessageBytes}`,
    );
  }
  if (!Number.isSafeInteger(shutdownGraceMs) || shutdownGraceMs < 0) {
    throw new RangeError(
      `grpcServerOptions option shutdownGraceMs must be an integer >= 0, got ${shutdownGraceMs}`,
    );
  }
  const windowBytes = flowControlWindow('grpcServerOptions', options.flowControlWindowBytes, maxMessageBytes);
  const logger = options.logger ?? new Logger('PeerGrpc');
  if (typeof options.handler?.get !== 'function') {
    throw new TypeError('grpcServerOptions option handler must be a PeerHandler');
  }
  const streams = new OpenStreams();
  const cache = cacheServiceHandlers(options.handler, logger, options.inFlight, streams);
  const health = options.health ?? new PeerGrpcHealth();
  return {
    transport: Transport.GRPC,
    options: {
      url,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      package: PROTO_PACKAGE,
      protoPath: PROTO_PATH,
      loader: { ...LOADER_OPTIONS },
      maxReceiveMessageLength: maxMessageBytes,
      maxSendMessageLength: maxMessageBytes,
      gracefulShutdown: shutdownGraceMs > 0,
      // Nest calls this after binding and before registering the controller's handlers.
      onLoadPackageDefinition: (definition: PackageDefinition, server: Server) => {
        tolerateMalformedRequests(definition);
        if (!raiseServerWindows(server, windowBytes)) {
          logger.warn({
            msg: "cannot raise the gRPC server's HTTP/2 receive window with this grpc-js: peers wait for a window update every 32 KiB",
          });
        }
        serveCacheService(server, cache);
        boundShutdown(server, shutdownGraceMs, () => streams.drain());
        health.addToServer(server);
        if (onListening) {
          const port = boundPort(server);
          if (port === undefined) throw new Error(`cannot tell which port the gRPC server bound for ${url}`);
          onListening(port);
        }
      },
    },
  };
}
