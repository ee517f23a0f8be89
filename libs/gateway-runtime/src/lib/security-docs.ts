import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';

import { ERROR_BODY } from './api-docs';
import { isEventStream } from './dashboard/dashboard.controller';
import { routeNeed } from './route-scopes';

/** Name of the bearer scheme in the document's components. */
export const API_KEY_SCHEME = 'apiKey';

const OVERLOADED = '`overloaded`: more requests in flight than `gateway.maxInFlight`; `Retry-After: 1`';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const error = (description: string): ResponseObject => ({
  description,
  content: { 'application/json': { schema: ERROR_BODY } },
});

/**
 * Declares the gateway's door in an OpenAPI document: the bearer scheme, each operation's scope (from the
 * same table the gateway enforces, routeNeed) and the answers every guarded operation may give before it
 * runs: 401, 403, 429 and 503 `overloaded` (but for the event stream, which is not counted in flight).
 * Health, readiness and metrics need no key and are never shed.
 */
export function declareSecurity(document: OpenAPIObject): void {
  document.components = {
    ...document.components,
    securitySchemes: {
      ...document.components?.securitySchemes,
      [API_KEY_SCHEME]: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API key from `gateway.apiKeys`, sent as `Authorization: Bearer <key>`. Scopes: `read` (GET of ' +
          'keys, batchGet), `write` (PUT and DELETE of keys, batchSet, batchDelete), `admin` (everything ' +
          'else). Needed only when the gateway has API keys configured.',
      },
    },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as OperationObject | undefined;
      if (!operation) continue;
      const need = routeNeed(method.toUpperCase(), openApiToUrl(path));
      if (need === 'open') {
        operation.security = [];
        continue;
      }
      operation.security = [{ [API_KEY_SCHEME]: [] }];
      operation.description = `${operation.description ? `${operation.description} ` : ''}Scope: \`${need}\`.`;
      const existing = operation.responses['503'] as ResponseObject | undefined;
      // The event stream is neither counted in flight nor shed (its own bound is gateway.maxEventStreams):
      // the entry server tells it by the same test.
      const overloaded = isEventStream(path) ? undefined : OVERLOADED;
      operation.responses = {
        ...operation.responses,
        401: error(
          '`unauthenticated`: no API key, or an unknown one; `WWW-Authenticate: Bearer realm="ringcache"`',
        ),
        403: error(`\`permission_denied\`: the API key lacks the \`${need}\` scope`),
        429: error("`rate_limited`: over the API key's rate limit; `Retry-After` says when to try again"),
      };
      const unavailable = [existing?.description, overloaded].filter(Boolean).join('; ');
      if (unavailable) operation.responses['503'] = error(unavailable);
    }
  }
}

/** `/api/v1/groups/{group}/keys/{key}` → a URL of that shape, for the scope table. */
function openApiToUrl(path: string): string {
  return path.replace(/\{[^}]+\}/g, 'x');
}
