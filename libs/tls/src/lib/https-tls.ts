import { Agent as HttpsAgent, type AgentOptions, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions, Server as TlsServer, TLSSocket, TlsOptions } from 'node:tls';

import type { TlsMaterial } from './tls-material';

/**
 * Options of a TLS server that asks every client for a certificate from the material's CA (mutual TLS).
 * With `verifiedOnly` (the default) a handshake without one, or with another CA's, fails before any
 * request is read; without it the handshake completes and the server decides per request, from
 * `clientVerified` — so that health, readiness and metrics stay open to probes and scrapers.
 */
export function mutualTlsServerOptions(material: TlsMaterial, verifiedOnly = true): TlsOptions {
  const { ca, cert, key } = material.pem;
  return { ca, cert, key, requestCert: true, rejectUnauthorized: verifiedOnly };
}

/** Whether the client of a TLS socket presented a certificate that the server's CA signed and that is valid now. */
export function clientVerified(socket: Duplex): boolean {
  return (socket as Partial<TLSSocket>).authorized === true;
}

/**
 * Keeps a running TLS (https) server on the material's current certificate: each rotation becomes the
 * server's secure context, used by every handshake after it. Stops when the server closes.
 */
export function followRotation(server: TlsServer, material: TlsMaterial): void {
  // requestCert and rejectUnauthorized are the server's own options: a new context keeps them.
  const unsubscribe = material.onChange(({ ca, cert, key }) => server.setSecureContext({ ca, cert, key }));
  server.once('close', unsubscribe);
}

/**
 * An https agent that presents the material's certificate and trusts only its CA, read at each new
 * connection: after a rotation, new connections use the new certificate (open ones keep theirs).
 */
export class MutualTlsAgent extends HttpsAgent {
  constructor(
    private readonly material: TlsMaterial,
    options: AgentOptions = {},
  ) {
    super(options);
  }

  override createConnection(
    options: RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    // https.Agent hands its options to tls.connect, which takes a secure context (its types do not say so).
    const secureContext: Pick<ConnectionOptions, 'secureContext'> = { secureContext: this.material.context };
    return super.createConnection({ ...options, ...secureContext } as RequestOptions, callback);
  }
}
