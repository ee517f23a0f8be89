import { bearer, sha256Hex } from '../support';

/** Who calls: no key, or one of the keys below. */
export type Caller = 'none' | 'reader' | 'app' | 'ops';

/** The keys of the suites' gateways, made at test time, never written to a file. */
export const KEYS: Record<Exclude<Caller, 'none'>, string> = {
  reader: `reader-${process.pid}-${Date.now()}`,
  app: `app-${process.pid}-${Date.now()}`,
  ops: `ops-${process.pid}-${Date.now()}`,
};

/** A read-only key limited to 2 requests, then 1 per second. */
export const LIMITED_KEY = `limited-${process.pid}-${Date.now()}`;

const SCOPES: Record<Exclude<Caller, 'none'>, string[]> = {
  reader: ['read'],
  app: ['read', 'write'],
  ops: ['admin'],
};

/** RINGCACHE_GATEWAY_API_KEYS for the keys above. */
export const API_KEYS_ENV = JSON.stringify([
  ...Object.entries(KEYS).map(([name, key]) => ({
    name,
    sha256: sha256Hex(key),
    scopes: SCOPES[name as Exclude<Caller, 'none'>],
  })),
  {
    name: 'limited',
    sha256: sha256Hex(LIMITED_KEY),
    scopes: ['read'],
    rateLimit: { perSecond: 1, burst: 2 },
  },
]);

/** One route of the gateway, as a test calls it, and the scope it needs. */
export interface Route {
  method: string;
  path: string;
  need: 'open' | 'read' | 'write' | 'admin';
  body?: string;
  json?: boolean;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');
const G = '/api/v1/groups/scores';

/**
 * Every route of the gateway: the key routes the fast path answers (GET twice, so the second is a
 * near-cache hit), the framework's routes, and the open probes.
 */
export const ROUTES: Route[] = [
  { method: 'GET', path: `${G}/keys/Tom`, need: 'read' },
  { method: 'GET', path: `${G}/keys/Tom`, need: 'read' },
  { method: 'GET', path: '/api?group=scores&key=Sam', need: 'read' },
  { method: 'POST', path: `${G}/keys:batchGet`, need: 'read', body: '{"keys":["Tom","Sam"]}', json: true },
  { method: 'PUT', path: `${G}/keys/w1?ttl=30s`, need: 'write', body: 'v1' },
  { method: 'DELETE', path: `${G}/keys/w1`, need: 'write' },
  {
    method: 'POST',
    path: `${G}/keys:batchSet`,
    need: 'write',
    body: JSON.stringify({ entries: [{ key: 'w2', value: b64('v2') }] }),
    json: true,
  },
  { method: 'POST', path: `${G}/keys:batchDelete`, need: 'write', body: '{"keys":["w2"]}', json: true },
  { method: 'DELETE', path: G, need: 'admin' },
  { method: 'GET', path: '/api/v1/groups', need: 'admin' },
  { method: 'GET', path: `${G}/hot`, need: 'admin' },
  { method: 'GET', path: '/api/v1/cluster', need: 'admin' },
  { method: 'GET', path: '/docs-json', need: 'admin' },
  { method: 'GET', path: '/healthz', need: 'open' },
  { method: 'GET', path: '/readyz', need: 'open' },
  { method: 'GET', path: '/metrics', need: 'open' },
];

/** What a caller must get on a route: 2xx, or 401 / 403. */
export function expectedFor(route: Route, caller: Caller): '2xx' | 401 | 403 {
  if (route.need === 'open') return '2xx';
  if (caller === 'none') return 401;
  return SCOPES[caller].includes(route.need) ? '2xx' : 403;
}

/** The headers a caller sends on a route. */
export function headersFor(route: Route, caller: Caller): Record<string, string> {
  return {
    ...(caller === 'none' ? {} : bearer(KEYS[caller])),
    ...(route.json ? { 'content-type': 'application/json' } : {}),
  };
}
