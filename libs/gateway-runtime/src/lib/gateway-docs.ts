import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type SchemaObject,
} from '@nestjs/swagger';

import { RINGCACHE_VERSION } from '@ringcache/app-shell';

import { declareSecurity } from './security-docs';

/** The page showing the gateway's API (Swagger UI). */
export const DOCS_PATH = '/docs';
/** The gateway's OpenAPI document, as JSON: where SwaggerModule serves it for a `/docs` setup. */
export const DOCS_JSON_PATH = '/docs-json';

/** Body of the health answers (terminus's format). */
const HEALTH_BODY: SchemaObject = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'error', 'shutting_down'] },
    info: { type: 'object', description: 'Checks that are up, with details' },
    error: { type: 'object', description: 'Checks that are down, with why' },
    details: { type: 'object', description: 'Every check' },
  },
};

/**
 * Routes the shared app shell declares (liveness, readiness, metrics): their controllers carry no OpenAPI
 * decorators, so their answers are described here, merged into whatever the scan found for the path.
 */
const SHELL_ROUTES: Record<string, OperationObject> = {
  '/healthz': {
    tags: ['status'],
    summary: 'Liveness: the process serves HTTP',
    responses: {
      200: { description: 'Alive', content: { 'application/json': { schema: HEALTH_BODY } } },
    },
  },
  '/readyz': {
    tags: ['status'],
    summary: 'Readiness: the gateway knows a cache node (and reaches etcd, when it uses etcd)',
    responses: {
      200: { description: 'Ready', content: { 'application/json': { schema: HEALTH_BODY } } },
      503: {
        description: 'Not ready (the failing checks are under `error`), or shutting down',
        content: { 'application/json': { schema: HEALTH_BODY } },
      },
    },
  },
  '/metrics': {
    tags: ['status'],
    summary: 'Prometheus metrics',
    responses: {
      200: {
        description: 'The Prometheus text format',
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
    },
  },
};

/**
 * The gateway's OpenAPI document, generated from the controllers' decorators, with the app shell's
 * routes described and the API-key scheme declared (declareSecurity). Near-cache hits are answered before Nest, but by the route documented on
 * GatewayController.getKey, with the same answers.
 */
export function gatewayDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('ringcache gateway')
    .setDescription(
      'The public HTTP API of ringcache, a distributed read-through cache. Errors are JSON `{"code", "message"}`.',
    )
    .setVersion(RINGCACHE_VERSION)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  for (const [path, described] of Object.entries(SHELL_ROUTES)) {
    const get = document.paths[path]?.get;
    if (!get) continue;
    document.paths[path].get = { ...get, ...described, responses: described.responses };
  }
  declareSecurity(document);
  return document;
}

/** Files of Swagger UI the page loads, by the name it asks for, with their content types. */
const UI_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ringcache gateway API</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({
  url: '${DOCS_JSON_PATH}',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
</script>
</body>
</html>
`;

/**
 * Serves the OpenAPI document at `/docs-json` (SwaggerModule, built on the first request and kept) and a
 * Swagger UI page at `/docs`. SwaggerModule's own page needs `@fastify/static` on Fastify; this page
 * loads the few Swagger UI files it needs from `swagger-ui-dist`, the copy @nestjs/swagger depends on, read
 * from disk per request. Plain routes with no hooks of their own: nothing here runs for other requests.
 * Call before the app listens.
 */
export function serveGatewayDocs(app: NestFastifyApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, () => gatewayDocument(app), { ui: false, raw: ['json'] });
  const fastify = app.getHttpAdapter().getInstance();
  const assets = swaggerUiDir();
  fastify.get(DOCS_PATH, (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  fastify.get<{ Params: { asset: string } }>(`${DOCS_PATH}/:asset`, (request, reply) => {
    const type = Object.hasOwn(UI_ASSETS, request.params.asset) ? UI_ASSETS[request.params.asset] : undefined;
    if (!type) return reply.code(404).send({ code: 'not_found', message: `no ${request.url}` });
    return reply.type(type).send(createReadStream(join(assets, request.params.asset)));
  });
}

/** The folder of swagger-ui-dist, resolved from @nestjs/swagger, which depends on it. */
function swaggerUiDir(): string {
  const fromSwagger = createRequire(require.resolve('@nestjs/swagger'));
  return dirname(fromSwagger.resolve('swagger-ui-dist/package.json'));
}
