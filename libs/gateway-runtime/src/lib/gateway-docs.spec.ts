import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';

import { listeningPort } from '@ringcache/app-shell';
import { loadConfig } from '@ringcache/config';
import { freePort, tempDir, type TempDir } from '@ringcache/testing';

import { DASHBOARD_PATH } from './dashboard/dashboard-assets';
import { DOCS_JSON_PATH, DOCS_PATH } from './gateway-docs';
import { startGateway } from './start-gateway';

/** Fastify's `:param` path as OpenAPI writes it (`{param}`); `::` is an escaped, literal colon. */
function openApiPath(url: string): string {
  return url
    .split('::')
    .map((part) => part.replace(/:([A-Za-z0-9_]+)/g, '{$1}'))
    .join(':');
}

/** The real gateway in this process (static membership, nodes that never answer), and every route Fastify registered. */
describe('the OpenAPI document of the gateway', () => {
  let dir: TempDir;
  let app: NestFastifyApplication;
  let base: string;
  let document: OpenAPIObject;
  const routes: { method: string; url: string }[] = [];

  beforeAll(async () => {
    dir = tempDir('gateway-docs');
    const unreachable = `127.0.0.1:${await freePort()}`;
    const config = loadConfig({
      cwd: dir.path,
      env: {
        RINGCACHE_GATEWAY_PORT: String(await freePort()),
        RINGCACHE_LOG_LEVEL: 'error',
        RINGCACHE_NODES: JSON.stringify([{ name: 'node1', grpc: unreachable, http: unreachable }]),
      },
    });
    app = await startGateway(config, {
      handleSignals: false,
      configure: (fastify) =>
        fastify.addHook('onRoute', (route) => {
          for (const method of [route.method].flat()) routes.push({ method, url: route.url });
        }),
    });
    base = `http://127.0.0.1:${listeningPort(app)}`;
    const res = await fetch(`${base}${DOCS_JSON_PATH}`);
    expect(res.status).toBe(200);
    document = (await res.json()) as OpenAPIObject;
  });

  afterAll(async () => {
    await app?.close();
    dir?.remove();
  });

  it('documents every route the app serves, and no other', () => {
    // Pages and their files, not API: the docs themselves, and the dashboard (whose data routes are documented).
    const docs = new Set([
      DOCS_PATH,
      `${DOCS_PATH}/{asset}`,
      DOCS_JSON_PATH,
      DASHBOARD_PATH,
      `${DASHBOARD_PATH}/{file}`,
    ]);
    const served = routes
      .filter((r) => r.method !== 'HEAD')
      .map((r) => `${r.method} ${openApiPath(r.url)}`)
      .filter((route) => !docs.has(route.split(' ')[1]));
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect([...new Set(served)].sort()).toEqual(documented.sort());
  });

  it('describes what the generated scan cannot see: raw bodies, the value as bytes, the shell routes', () => {
    const put = document.paths['/api/v1/groups/{group}/keys/{key}'].put;
    expect(
      Object.keys(put?.requestBody && 'content' in put.requestBody ? put.requestBody.content : {}),
    ).toEqual(['application/octet-stream']);
    expect(put?.parameters).toContainEqual(
      expect.objectContaining({ name: 'ttl', in: 'query', required: false }),
    );
    const get = document.paths['/api/v1/groups/{group}/keys/{key}'].get;
    expect(Object.keys(get?.responses ?? {}).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '414',
      '429',
      '503',
      '504',
    ]);
    expect(document.paths['/readyz'].get?.responses).toHaveProperty('503');
  });

  it('declares the bearer scheme and the scope of each operation; the probes need no key', () => {
    expect(document.components?.securitySchemes?.['apiKey']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    const key = document.paths['/api/v1/groups/{group}/keys/{key}'];
    expect(key.get?.security).toEqual([{ apiKey: [] }]);
    expect(key.get?.description).toContain('Scope: `read`.');
    expect(key.put?.description).toContain('Scope: `write`.');
    expect(document.paths['/api/v1/groups/{group}'].delete?.description).toContain('Scope: `admin`.');
    expect(key.get?.responses['503']).toMatchObject({ description: expect.stringContaining('`overloaded`') });
    // The event stream is not counted in flight: its 503s are its own bound's and shutdown's.
    const events = document.paths['/api/v1/events'].get?.responses['503'] as { description: string };
    expect(events.description).toContain('`gateway.maxEventStreams`');
    expect(events.description).not.toContain('gateway.maxInFlight');
    for (const probe of ['/healthz', '/readyz', '/metrics']) {
      expect(document.paths[probe].get?.security).toEqual([]);
      expect(document.paths[probe].get?.responses).not.toHaveProperty('401');
    }
  });

  it('serves the Swagger UI page and only the files it loads', async () => {
    const page = await fetch(`${base}${DOCS_PATH}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain(`url: '${DOCS_JSON_PATH}'`);
    const bundle = await fetch(`${base}${DOCS_PATH}/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('application/javascript');
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    // Bodies read in full, so no connection is left busy when the app closes.
    const status = async (path: string) => {
      const res = await fetch(`${base}${path}`);
      await res.arrayBuffer();
      return res.status;
    };
    expect(await status(`${DOCS_PATH}/swagger-ui.css`)).toBe(200);
    expect(await status(`${DOCS_PATH}/package.json`)).toBe(404);
    expect(await status(`${DOCS_PATH}/..%2F..%2Fpackage.json`)).toBe(404);
  });
});
