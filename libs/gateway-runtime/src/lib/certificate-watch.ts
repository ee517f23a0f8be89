import { readFileSync } from 'node:fs';
import type { Server as TlsServer } from 'node:tls';

import type { GatewayTlsConfig } from '@ringcache/config';
import { pollFileContents } from '@ringcache/tls';

/** How often the certificate files are polled for a change, in ms. */
const POLL_MS = 2_000;

/** Where a reload is reported. */
export interface CertificateWatchLogger {
  log(message: string): void;
  warn(message: string): void;
}

/** The certificate and key, read now. Throws with the file's name if one cannot be read. */
export function readCertificate(tls: GatewayTlsConfig): { cert: Buffer; key: Buffer } {
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(`cannot read gateway.tls.${what} ${path}: ${(error as Error).message}`);
    }
  };
  return { cert: read(tls.certFile, 'certFile'), key: read(tls.keyFile, 'keyFile') };
}

/**
 * Renewed certificates without a restart: both files' contents are polled (by path, so a file replaced by
 * a rename, as certificate tools do, is seen too) against the pair the server started with, `served`. When
 * either changes, the pair is read again and given to the server for new connections (setSecureContext).
 * A pair that does not load — a key written before its certificate, say — is reported and the old one
 * kept; the next change tries again. Returns the function that stops watching.
 */
export function watchCertificate(
  server: TlsServer,
  tls: GatewayTlsConfig,
  served: { cert: Buffer; key: Buffer },
  logger: CertificateWatchLogger,
  pollMs = POLL_MS,
): () => void {
  const reload = () => {
    try {
      server.setSecureContext(readCertificate(tls));
      logger.log(`gateway certificate reloaded from ${tls.certFile}`);
    } catch (error) {
      logger.warn(`gateway certificate not reloaded, keeping the previous one: ${(error as Error).message}`);
    }
  };
  // The poll's timer is unref'd: watching must not keep a closing process alive.
  return pollFileContents([tls.certFile, tls.keyFile], pollMs, reload, [served.cert, served.key]);
}
