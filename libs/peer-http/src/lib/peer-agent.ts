import { Agent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

import { InvalidArgumentError } from '@ringcache/cache-core';
import { MutualTlsAgent, type TlsMaterial } from '@ringcache/tls';

/** Options of {@link peerAgent}. */
export interface PeerAgentOptions {
  /** Most sockets per address. */
  maxSockets: number;
  /** Keep idle connections for the next request. Default true. */
  keepAlive?: boolean;
  /** Mutual TLS: https, presenting this certificate and trusting only its CA. Default: plaintext. */
  tls?: TlsMaterial;
}

/**
 * The agent of every HTTP connection to a node — the one place the HTTP peer transport decides between
 * plaintext and mutual TLS. `owner` names the option in the error.
 */
export function peerAgent(owner: string, options: PeerAgentOptions): Agent {
  const { maxSockets, keepAlive = true, tls } = options;
  if (!Number.isSafeInteger(maxSockets) || maxSockets < 1) {
    throw new InvalidArgumentError(
      `${owner} option maxSockets must be a positive integer, got ${maxSockets}`,
    );
  }
  return tls ? new MutualTlsAgent(tls, { keepAlive, maxSockets }) : new Agent({ keepAlive, maxSockets });
}

/** `request` of node:https for an https agent, of node:http otherwise. */
export function requestThrough(agent: Agent): typeof httpRequest {
  return agent instanceof HttpsAgent ? httpsRequest : httpRequest;
}
