import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

import { PEER_HANDLER, type PeerHandler } from '@ringcache/cache-core';

import { PeerFrameServer } from '../lib/frame-server';
import { peerHttpFrameworkErrors } from '../lib/framework-errors';
import { PeerHttpFastPath } from '../lib/peer-http-fast-path';
import { PeerHttpModule } from '../lib/peer-http.module';

/** A Nest app on Fastify serving the peer protocol on a free loopback port. */
export interface PeerApp {
  app: NestFastifyApplication;
  /** `127.0.0.1:<port>`, for HttpPeerClient. */
  address: string;
  /** `http://127.0.0.1:<port>`, for fetch. */
  baseUrl: string;
  /** TCP connections the server has accepted so far. */
  connections(): number;
  /** The server of framed connections, when the app serves them. */
  frames?: PeerFrameServer;
  close(): Promise<void>;
}

/** Options of {@link startPeerApp}. */
export interface StartPeerAppOptions {
  /** Install peerHttpFrameworkErrors on the adapter. Default true. */
  frameworkErrors?: boolean;
  /** PeerHttpModule's maxBodyBytes. Default: the module's. */
  maxBodyBytes?: number;
  /** Port to listen on. Default: a free one. */
  port?: number;
  /** Answer the read path in node:http before Fastify (PeerHttpFastPath), as cache nodes do. Default true. */
  fastPath?: boolean;
  /** Also serve the fast path's requests as frames (PeerFrameServer), as cache nodes do. Default false. */
  frames?: boolean;
}

@Module({})
class HandlerModule {}

@Module({})
class PeerTestAppModule {}

/** Starts a Nest app with PeerHttpModule and `handler` provided under PEER_HANDLER, as an app would. */
export async function startPeerApp(
  handler: PeerHandler,
  options: StartPeerAppOptions = {},
): Promise<PeerApp> {
  const handlerModule: DynamicModule = {
    module: HandlerModule,
    providers: [{ provide: PEER_HANDLER, useValue: handler }],
    exports: [PEER_HANDLER],
  };
  const root: DynamicModule = {
    module: PeerTestAppModule,
    imports: [PeerHttpModule.forRoot({ imports: [handlerModule], maxBodyBytes: options.maxBodyBytes })],
  };
  const fastPath = options.fastPath === false ? undefined : new PeerHttpFastPath(options);
  const frames = fastPath && options.frames ? new PeerFrameServer({ fastPath }) : undefined;
  const adapter = new FastifyAdapter({
    ...(options.frameworkErrors === false ? {} : { frameworkErrors: peerHttpFrameworkErrors }),
    ...(fastPath
      ? {
          serverFactory: (handle: (request: IncomingMessage, response: ServerResponse) => void) => {
            const server = createServer((request, response) => {
              if (!fastPath.serve(request, response)) handle(request, response);
            });
            if (frames)
              server.on('upgrade', (request, socket, head) => {
                if (!frames.upgrade(request, socket, head)) socket.destroy();
              });
            return server;
          },
        }
      : {}),
  });
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, { logger: false });
  if (fastPath) fastPath.handler = handler;
  const peer = await listen(app, options.port);
  if (!frames) return peer;
  return {
    ...peer,
    frames,
    close: () => {
      frames.close();
      return peer.close();
    },
  };
}

/** Listens on a loopback port (default: a free one) and counts accepted connections. */
export async function listen(app: NestFastifyApplication, port = 0): Promise<PeerApp> {
  let connections = 0;
  app.getHttpServer().on('connection', () => connections++);
  await app.listen(port, '127.0.0.1');
  const bound = (app.getHttpServer().address() as { port: number }).port;
  return {
    app,
    address: `127.0.0.1:${bound}`,
    baseUrl: `http://127.0.0.1:${bound}`,
    connections: () => connections,
    close: () => app.close(),
  };
}
