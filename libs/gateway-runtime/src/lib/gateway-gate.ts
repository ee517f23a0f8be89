import type { IncomingMessage, ServerResponse } from 'node:http';

import { requestIdFor, type FastPath } from '@ringcache/app-shell';

import type { GatewayAuth } from './gateway-auth';
import { sendJson } from './json-answer';

/** The challenge of every 401 (RFC 6750). */
export const WWW_AUTHENTICATE = 'Bearer realm="ringcache"';

/**
 * The gateway's door, run by its HTTP server before the fast path and Fastify (startHttpApp's `gate`):
 * a request the GatewayAuth refuses is answered here — 401 with the Bearer challenge, 403, or 429 with
 * Retry-After — in the gateway's JSON error shape; any other passes on. Nothing of the header is logged.
 */
export function gatewayGate(auth: GatewayAuth): FastPath | undefined {
  if (!auth.enabled) return undefined;
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const refusal = auth.check(request.method, request.url as string, request.headers.authorization);
    if (!refusal) return false;
    const headers: Record<string, string> = {};
    if (refusal.status === 401) headers['www-authenticate'] = WWW_AUTHENTICATE;
    if (refusal.retryAfterS !== undefined) headers['retry-after'] = String(refusal.retryAfterS);
    const body = JSON.stringify({ code: refusal.code, message: refusal.message });
    sendJson(response, requestIdFor(request), refusal.status, body, headers);
    return true;
  };
}
