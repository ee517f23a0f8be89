import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';

import { type InFlightLimiter, REQUEST_ID_HEADER, type RequestLog } from '@ringcache/cache-core';
import { followRotation, mutualTlsServerOptions, type TlsMaterial } from '@ringcache/tls';

import { requestIdFor, type FastPath } from './request-logging';

/** A server certificate and its private key, PEM. */
export interface ServerTls {
  cert: Buffer | string;
  key: Buffer | string;
}

/** Options of {@link entryServer}. */
export interface EntryServerOptions {
  fastPath?: FastPath;
  gate?: FastPath;
  inFlight?: InFlightLimiter;
  tls?: ServerTls;
  /** Mutual TLS: only clients with a certificate from the material's CA; follows its rotations. */
  mutualTls?: TlsMaterial;
  echoRequestId: boolean;
  isStream?: (url: string) => boolean;
  log: RequestLog;
}

/** Probes and scrapes: never shed, so an overloaded process is not also declared dead or blind. */
const NEVER_SHED = new Set(['/healthz', '/readyz', '/metrics']);
const OVERLOADED_BODY = (message: string) => JSON.stringify({ code: 'overloaded', message });

/**
 * A Fastify `serverFactory` whose server (HTTP, or HTTPS with `tls`) is the process's one entry point:
 * every request is first counted against `inFlight` (past it: 503 `overloaded`, `Retry-After: 1`, at once,
 * never queued), then shown to `gate`, then to `fastPath`, and only then to Fastify. A request is in flight
 * until its response closes (finished, or the connection dropped). Long-lived streams and the probes are
 * neither counted nor shed.
 */
export function entryServer(options: EntryServerOptions) {
  const { fastPath, gate, inFlight, tls, mutualTls, echoRequestId, log } = options;
  const isStream = options.isStream ?? (() => false);
  return (handler: (request: IncomingMessage, response: ServerResponse) => void): Server => {
    const serve = (request: IncomingMessage, response: ServerResponse): void => {
      if (inFlight && !admit(inFlight, request, response)) return;
      if (gate?.(request, response, log)) return;
      if (!fastPath?.(request, response, log)) handler(request, response);
    };
    const admit = (limiter: InFlightLimiter, request: IncomingMessage, response: ServerResponse): boolean => {
      const url = request.url as string;
      if (NEVER_SHED.has(url) || isStream(url)) return true;
      if (!limiter.tryAcquire()) {
        shed(limiter, request, response, echoRequestId);
        return false;
      }
      response.once('close', () => limiter.release());
      return true;
    };
    // https.Server is an http.Server for everything Fastify and Nest use (listen, address, close).
    if (mutualTls) {
      const server = createHttpsServer(mutualTlsServerOptions(mutualTls), serve);
      followRotation(server, mutualTls);
      return server as unknown as Server;
    }
    return tls ? (createHttpsServer(tls, serve) as unknown as Server) : createServer(serve);
  };
}

/**
 * The 503 of a refused request. Not logged line by line (a flood of them is the overload itself): the
 * limiter counts them. An unread body is discarded by node:http, keeping the connection usable.
 */
function shed(
  limiter: InFlightLimiter,
  request: IncomingMessage,
  response: ServerResponse,
  echoRequestId: boolean,
): void {
  const body = OVERLOADED_BODY(limiter.describe());
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'retry-after': 1,
  };
  if (echoRequestId) headers[REQUEST_ID_HEADER] = requestIdFor(request);
  response.writeHead(503, headers);
  response.end(body);
}
