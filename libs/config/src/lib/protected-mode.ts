import { isIP } from 'node:net';

import type { RingcacheConfig } from './ringcache-config';

/** Whether `host` can only be reached from this machine: `localhost`, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

/**
 * Protected mode of a cache node: why it must not start, or undefined. A node that listens on a
 * non-loopback address without mutual TLS lets anyone who reaches its ports read, write and flush the
 * cache; it starts only with `tls` configured or with `security.insecure: true` said explicitly.
 */
export function nodeProtectedModeProblem(config: RingcacheConfig): string | undefined {
  const { node, tls, security } = config;
  if (security.insecure || tls.caFile !== '' || isLoopbackHost(node.host)) return undefined;
  return (
    `node.host: ${node.host} is not a loopback address and tls is not configured, so anyone who reaches ` +
    `ports ${node.grpcPort} and ${node.httpPort} could read, change and flush the cache (protected mode). ` +
    `Set tls.caFile, tls.certFile and tls.keyFile (RINGCACHE_TLS_CA_FILE, RINGCACHE_TLS_CERT_FILE, ` +
    `RINGCACHE_TLS_KEY_FILE) for mutual TLS between processes, or security.insecure: true ` +
    `(RINGCACHE_SECURITY_INSECURE=true) to run without it on a network you trust, or listen on 127.0.0.1.`
  );
}
