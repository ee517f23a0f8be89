import type { ApiScope } from '@ringcache/config';

/** What a request needs: no key (`open`), or a key with that scope. */
export type RouteNeed = ApiScope | 'open';

const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
/** The dashboard's page and files: static, holding no data (what it shows comes from admin routes). */
const DASHBOARD_FILE = /^\/dashboard(\/[A-Za-z0-9_-]+\.(js|css))?$/;
const GROUPS = '/api/v1/groups/';
/** A key: `/api/v1/groups/<group>/keys/<key>`, neither holding a `/`. */
const KEY_PATH = /^\/api\/v1\/groups\/[^/]+\/keys\/[^/]+$/;
/** A read with no key (`…/keys`): answered 400 by the controller, but a read all the same. */
const NO_KEY_PATH = /^\/api\/v1\/groups\/[^/]+\/keys$/;
/** `…/keys:batchGet`, `…/keys:batchSet`, `…/keys:batchDelete`. */
const BATCH_PATH = /^\/api\/v1\/groups\/[^/]+\/keys:(batchGet|batchSet|batchDelete)$/;

/**
 * The scope table of the gateway's API, by method and raw URL:
 * - `read`: GET (and HEAD) of a key, GET `/api?group=&key=`, POST `keys:batchGet`;
 * - `write`: PUT and DELETE of a key, POST `keys:batchSet` and `keys:batchDelete`;
 * - `open`: GET/HEAD `/healthz`, `/readyz`, `/metrics`, and the dashboard's page and files (`/dashboard`,
 *   `/dashboard/<name>.js|.css`), which hold no data and ask for a key;
 * - `admin`: everything else — flush, `/api/v1/groups`, `/hot`, `/api/v1/cluster`, the dashboard's data
 *   (`/api/v1/dashboard`) and live feed (`/api/v1/events`), `/docs`, and any route added later until it
 *   is listed here.
 * Matching is on the path as sent (no decoding, no dot segments): a spelling the table does not know falls
 * to `admin`, the strictest scope, so a new or odd route is never opened by accident.
 */
export function routeNeed(method: string | undefined, url: string): RouteNeed {
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const reading = method === 'GET' || method === 'HEAD';
  if (reading && (OPEN_PATHS.has(path) || DASHBOARD_FILE.test(path))) return 'open';
  if (!path.startsWith(GROUPS)) return reading && path === '/api' ? 'read' : 'admin';
  if (KEY_PATH.test(path)) {
    if (reading) return 'read';
    return method === 'PUT' || method === 'DELETE' ? 'write' : 'admin';
  }
  if (reading && NO_KEY_PATH.test(path)) return 'read';
  const batch = method === 'POST' ? BATCH_PATH.exec(path)?.[1] : undefined;
  if (batch === 'batchGet') return 'read';
  if (batch !== undefined) return 'write';
  return 'admin';
}
