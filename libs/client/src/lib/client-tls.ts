import { TlsMaterial, TlsMaterialError } from '@ringcache/tls';

import { invalid } from './option-checks';

/**
 * Mutual TLS to the nodes, as the cluster's `tls` settings: PEM files (watched, so a rotated certificate is
 * used for new connections without recreating the client) or PEM text. The CA is the one that signed the
 * nodes' certificates; the certificate and key are this client's, signed by a CA the nodes trust.
 */
export type ClientTlsOptions =
  | { caFile: string; certFile: string; keyFile: string }
  | { ca: string | Buffer; cert: string | Buffer; key: string | Buffer };

const OPTION = 'RingcacheClient option tls';

/** The client's TLS material, or undefined for plaintext; throws an InvalidArgumentError naming the field. */
export function resolveClientTls(tls: unknown): TlsMaterial | undefined {
  if (tls === undefined) return undefined;
  if (typeof tls !== 'object' || tls === null || Array.isArray(tls))
    throw invalid(`${OPTION} must be an object { caFile, certFile, keyFile } or { ca, cert, key }`, tls);
  const given = tls as Record<string, unknown>;
  const fields =
    'caFile' in given || 'certFile' in given || 'keyFile' in given
      ? (['caFile', 'certFile', 'keyFile'] as const)
      : (['ca', 'cert', 'key'] as const);
  for (const key of Object.keys(given)) {
    if (!(fields as readonly string[]).includes(key)) throw invalid(`unknown ${OPTION} field ${key}`);
  }
  for (const field of fields) {
    const value = given[field];
    if (!(typeof value === 'string' && value !== '') && !Buffer.isBuffer(value))
      throw invalid(`${OPTION}.${field} is required: mutual TLS needs all of ${fields.join(', ')}`, value);
  }
  try {
    if (fields[0] === 'caFile') {
      const { caFile, certFile, keyFile } = given as Record<string, string>;
      return TlsMaterial.fromFiles({ caFile, certFile, keyFile }, { label: OPTION });
    }
    const pem = given as Record<'ca' | 'cert' | 'key', string | Buffer>;
    return TlsMaterial.fromPem(
      { ca: Buffer.from(pem.ca), cert: Buffer.from(pem.cert), key: Buffer.from(pem.key) },
      OPTION,
    );
  } catch (error) {
    if (error instanceof TlsMaterialError) throw invalid(error.message);
    throw error;
  }
}
