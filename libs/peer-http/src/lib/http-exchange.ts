import type { Agent, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

import { deadlineTimer, InvalidArgumentError, PeerUnavailableError } from '@ringcache/cache-core';

import { requestThrough } from './peer-agent';

/** One HTTP request to send to a peer. */
export interface Exchange {
  /** The peer's node name and the protocol operation, for errors. */
  peer: string;
  operation: string;
  agent: Agent;
  host: string;
  port: number;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  body?: Buffer;
  /** The whole exchange, queueing for a socket and reading the body included, must end within this. */
  deadlineMs: number;
}

/** A peer's answer, body read in full. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Marks a failure on a kept-alive socket that the peer had already closed: safe to send again. */
class StaleSocketError extends Error {}

/**
 * Sends one request and reads the answer. Every failure to get an answer — refused or reset connection,
 * deadline passed — rejects with PeerUnavailableError, so the caller may try the next owner. A request
 * that fails with ECONNRESET on a reused keep-alive socket is sent once more (the peer closed the idle
 * socket as we wrote to it; every peer operation is idempotent).
 */
export async function exchange(spec: Exchange): Promise<Answer> {
  checkDeadline(spec.deadlineMs);
  const start = performance.now();
  try {
    return await attempt(spec, spec.deadlineMs, true);
  } catch (error) {
    if (!(error instanceof StaleSocketError)) throw error;
    const left = spec.deadlineMs - (performance.now() - start);
    if (left <= 0) throw deadlinePassed(spec);
    return attempt(spec, left, false);
  }
}

/** A call's deadline must be a positive number of ms: anything else is an InvalidArgumentError. */
export function checkDeadline(deadlineMs: number): void {
  if (!(Number.isFinite(deadlineMs) && deadlineMs > 0)) {
    throw new InvalidArgumentError(`deadlineMs must be a positive number of ms, got ${deadlineMs}`);
  }
}

function attempt(spec: Exchange, timeoutMs: number, mayRetry: boolean): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    const timer = deadlineTimer(timeoutMs, () => {
      if (settled) return;
      fail(deadlinePassed(spec));
      req.destroy();
    });

    let req: ReturnType<ReturnType<typeof requestThrough>>;
    try {
      req = requestThrough(spec.agent)({
        agent: spec.agent,
        host: spec.host,
        port: spec.port,
        method: spec.method,
        path: spec.path,
        headers: spec.headers,
      });
    } catch (error) {
      // Thrown before anything is sent: a header value with characters HTTP cannot carry.
      fail(new InvalidArgumentError(`${spec.operation}: ${(error as Error).message}`));
      return;
    }
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (mayRetry && req.reusedSocket && error.code === 'ECONNRESET') fail(new StaleSocketError());
      else fail(new PeerUnavailableError(spec.peer, spec.operation, error.message, { cause: error }));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) =>
        fail(
          new PeerUnavailableError(spec.peer, spec.operation, `answer cut off: ${error.message}`, {
            cause: error,
          }),
        ),
      );
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.end(spec.body);
  });
}

function deadlinePassed(spec: Exchange): PeerUnavailableError {
  return new PeerUnavailableError(spec.peer, spec.operation, `no answer within ${spec.deadlineMs} ms`);
}
