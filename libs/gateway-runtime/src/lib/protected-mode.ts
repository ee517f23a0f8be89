import { isIP } from 'node:net';

import { ConfigError, type RingcacheConfig } from '@ringcache/config';

/** Whether `host` only listens on this machine: localhost, 127.0.0.0/8 or ::1. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/**
 * Protected mode: a gateway that would take requests from the network with no API keys refuses to start,
 * since anyone who reaches it could write, delete and flush. The way out is to configure keys, or to say
 * so explicitly with `security.insecure`. Throws a ConfigError naming both settings.
 */
export function checkProtectedMode(config: RingcacheConfig): void {
  const { gateway, security } = config;
  if (security.insecure || gateway.apiKeys.length > 0 || isLoopback(gateway.host)) return;
  throw new ConfigError([
    `gateway.host: ${gateway.host} is not a loopback address and gateway.apiKeys is empty, so anyone who ` +
      'can reach the gateway could write, delete and flush (protected mode). Configure gateway.apiKeys ' +
      '(RINGCACHE_GATEWAY_API_KEYS), listen on 127.0.0.1, or set security.insecure: true ' +
      '(RINGCACHE_SECURITY_INSECURE=true) to serve without keys.',
  ]);
}
