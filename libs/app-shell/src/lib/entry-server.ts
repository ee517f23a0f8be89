import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';

import { type InFlightLimiter, REQUEST_ID_HEADER, type RequestLog } from '@ringcache/cache-core';
import { clientVerified, followRotation, mutualTlsServerOptions, type TlsMaterial } from '@ringcache/tls';

import { admittedRequests } from './admitted-requests';
import { rawAnswer } from './raw-answer';
import { requestIdFor, type FastPath } from './request-logging';

/** A server certificate and its private key, PEM. */
export interface ServerTls {
  cert: Buffer | string;
  key: Buffer | string;
}

/** Takes a server's upgrade requests: a protocol of its own on connections upgraded from HTTP/1.1. */
export interface UpgradeHandler {
  /** Takes the request (the connection is then its own) and returns true, or returns false to refuse it. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, log: RequestLog): boolean;
  /** Ends its connections as the server closes: upgraded connections would otherwise hold it open. */
  close(): void;
}

/** Options of {@link entryServer}. */
export interface EntryServerOptions {
  fastPath?: FastPath;
  gate?: FastPath;
  inFlight?: InFlightLimiter;
  tls?: ServerTls;
  /**
   * Mutual TLS: every request but the probes and scrapes (`/healthz`, `/readyz`, `/metrics`) needs a
   * client certificate from the material's CA (otherwise 401 `unauthenticated`); follows its rotations.
   */
  mutualTls?: TlsMaterial;
  echoRequestId: boolean;
  isStream?: (url: string) => boolean;
  /**
   * Longest a client may take to send a whole request, headers and body: past it node:http answers 408
   * and closes the connection (checked every tenth of it, at least every 5 s). Default node:http's (5 min).
   */
  requestTimeoutMs?: number;
  log: RequestLog;
  /**
   * Upgrade requests (with mutual TLS, from clients with a certificate only: others are answered 401);
   * one it refuses is answered 404. Default none: node:http's own handling.
   */
  upgrade?: UpgradeHandler;
}

/**
 * Probes and scrapes: never shed, so an overloaded process is not also declared dead or blind; and open
 * without a client certificate, so that orchestrators and Prometheus need none.
 */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);
const errorBody = (code: string, message: string) => JSON.stringify({ code, message });
const NO_CERTIFICATE = errorBody(
  'unauthenticated',
  "mutual TLS: this endpoint needs a client certificate signed by the cluster's CA",
);

/**
 * A Fastify `serverFactory` whose server (HTTP, or HTTPS with `tls`) is the process's one entry point:
 * every request is first counted against `inFlight` (past it: 503 `overloaded`, `Retry-After: 1`, at once,
 * never queued), then shown to `gate`, then to `fastPath`, and only then to Fastify. A request is in flight
 * until its response closes (finished, or the connection dropped) or its connection does (admittedRequests).
 * Long-lived streams and the probes are neither counted nor shed.
 */
export function entryServer(options: EntryServerOptions) {
  const { fastPath, gate, inFlight, tls, mutualTls, echoRequestId, log, requestTimeoutMs } = options;
  // node:http looks for requests past their time at this interval (30 s by default).
  const timing =
    requestTimeoutMs === undefined
      ? {}
      : { connectionsCheckingInterval: Math.min(5_000, Math.max(100, Math.floor(requestTimeoutMs / 10))) };
  const isStream = options.isStream ?? (() => false);
  const hold = inFlight ? admittedRequests(inFlight) : undefined;
  return (handler: (request: IncomingMessage, response: ServerResponse) => void): Server => {
    const serve = (request: IncomingMessage, response: ServerResponse): void => {
      if (mutualTls && !clientVerified(request.socket) && !PROBES.has(request.url as string)) {
        refuse(response, 401, NO_CERTIFICATE, echoRequestId ? requestIdFor(request) : undefined);
        return;
      }
      if (inFlight && !admit(inFlight, request, response)) return;
      if (gate?.(request, response, log)) return;
      if (!fastPath?.(request, response, log)) handler(request, response);
    };
    const admit = (limiter: InFlightLimiter, request: IncomingMessage, response: ServerResponse): boolean => {
      const url = request.url as string;
      if (PROBES.has(url) || isStream(url)) return true;
      if (!limiter.tryAcquire()) {
        shed(limiter, request, response, echoRequestId);
        return false;
      }
      hold?.(request, response);
      return true;
    };
    // https.Server is an http.Server for everything Fastify and Nest use (listen, address, close).
    let server: Server;
    if (mutualTls) {
      const https = createHttpsServer({ ...mutualTlsServerOptions(mutualTls, false), ...timing }, serve);
      followRotation(https, mutualTls);
      server = https as unknown as Server;
    } else
      server = tls
        ? (createHttpsServer({ ...tls, ...timing }, serve) as unknown as Server)
        : createServer(timing, serve);
    if (requestTimeoutMs !== undefined) {
      server.requestTimeout = requestTimeoutMs;
      server.headersTimeout = Math.min(server.headersTimeout, requestTimeoutMs);
    }
    const upgrade = options.upgrade;
    if (upgrade) {
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (mutualTls && !clientVerified(socket)) refuseUpgrade(socket, 401, NO_CERTIFICATE);
        else if (!upgrade.upgrade(request, socket, head, log)) refuseUpgrade(socket, 404, '');
      });
    }
    return server;
  };
}

/** An upgrade request answered with an error, and its connection closed. */
function refuseUpgrade(socket: Duplex, status: 401 | 404, body: string): void {
  socket.end(rawAnswer(status, body, body ? 'application/json; charset=utf-8' : undefined));
}

/**
 * The 503 of a refused request. Not logged line by line (a flood of them is the overload itself): the
 * limiter counts them.
 */
function shed(
  limiter: InFlightLimiter,
  request: IncomingMessage,
  response: ServerResponse,
  echoRequestId: boolean,
): void {
  const requestId = echoRequestId ? requestIdFor(request) : undefined;
  refuse(response, 503, errorBody('overloaded', limiter.describe()), requestId, { 'retry-after': 1 });
}

/** A JSON error answered before any handler. An unread body is discarded by node:http, keeping the connection usable. */
function refuse(
  response: ServerResponse,
  status: number,
  body: string,
  requestId: string | undefined,
  extra: Record<string, string | number> = {},
): void {
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...extra,
  };
  if (requestId) headers[REQUEST_ID_HEADER] = requestId;
  response.writeHead(status, headers);
  response.end(body);
}
