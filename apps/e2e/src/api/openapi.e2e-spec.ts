import { EtcdCluster, eventually, startCluster, type TestCluster } from '@ringcache/testing';

import { request } from '../support';

/** One call of the API, and the status it must get (when known). */
interface Call {
  method: string;
  path: string;
  body?: string;
  status?: number;
}

/** The calls made for one documented operation: with valid inputs, and ones that must fail as documented. */
interface Cases {
  valid: Call[];
  errors: Call[];
}

/** An OpenAPI document, as far as this suite reads it. */
interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

const VALUE_LIMIT = 1_024;

/**
 * Every operation of the gateway's API, keyed `METHOD path` as the document writes it. A documented
 * operation missing here fails the suite, so the two cannot drift apart.
 */
const CASES: Record<string, Cases> = {
  'GET /api/v1/groups/{group}/keys/{key}': {
    // Twice: the second read may be answered by the near-cache fast path, before Nest.
    valid: [
      { method: 'GET', path: '/api/v1/groups/scores/keys/Tom', status: 200 },
      { method: 'GET', path: '/api/v1/groups/scores/keys/Tom', status: 200 },
      { method: 'GET', path: '/api/v1/groups/scores/keys/nobody', status: 404 },
    ],
    errors: [
      { method: 'GET', path: '/api/v1/groups/nope/keys/Tom', status: 404 },
      { method: 'GET', path: '/api/v1/groups/scores/keys/%ZZ', status: 400 },
      { method: 'GET', path: `/api/v1/groups/scores/keys/${'k'.repeat(1_025)}`, status: 414 },
    ],
  },
  'GET /api/v1/groups/{group}/keys': {
    valid: [],
    errors: [{ method: 'GET', path: '/api/v1/groups/scores/keys', status: 400 }],
  },
  'PUT /api/v1/groups/{group}/keys/{key}': {
    valid: [
      { method: 'PUT', path: '/api/v1/groups/scores/keys/openapi?ttl=30s', body: 'v', status: 200 },
      { method: 'PUT', path: '/api/v1/groups/scores/keys/openapi', body: 'v', status: 200 },
    ],
    errors: [
      { method: 'PUT', path: '/api/v1/groups/scores/keys/openapi?ttl=soon', body: 'v', status: 400 },
      { method: 'PUT', path: '/api/v1/groups/scores/keys/openapi?ttl=31d', body: 'v', status: 400 },
      {
        method: 'PUT',
        path: '/api/v1/groups/scores/keys/openapi',
        body: 'x'.repeat(VALUE_LIMIT + 1),
        status: 413,
      },
      { method: 'PUT', path: '/api/v1/groups/nope/keys/openapi', body: 'v', status: 404 },
    ],
  },
  'DELETE /api/v1/groups/{group}/keys/{key}': {
    valid: [{ method: 'DELETE', path: '/api/v1/groups/scores/keys/openapi', status: 200 }],
    errors: [
      { method: 'DELETE', path: '/api/v1/groups/nope/keys/openapi', status: 404 },
      { method: 'DELETE', path: `/api/v1/groups/scores/keys/${'k'.repeat(1_025)}`, status: 414 },
    ],
  },
  'POST /api/v1/groups/{group}/keys:batchGet': {
    valid: [
      {
        method: 'POST',
        path: '/api/v1/groups/scores/keys:batchGet',
        body: '{"keys":["Tom","nobody"]}',
        status: 200,
      },
    ],
    errors: [
      { method: 'POST', path: '/api/v1/groups/scores/keys:batchGet', body: 'not json', status: 400 },
      { method: 'POST', path: '/api/v1/groups/nope/keys:batchGet', body: '{"keys":["Tom"]}', status: 404 },
    ],
  },
  'POST /api/v1/groups/{group}/keys:batchSet': {
    valid: [
      {
        method: 'POST',
        path: '/api/v1/groups/scores/keys:batchSet',
        body: '{"entries":[{"key":"openapi-a","value":"dg==","ttl":"30s"},{"key":"openapi-b","value":""}]}',
        status: 200,
      },
    ],
    errors: [
      { method: 'POST', path: '/api/v1/groups/scores/keys:batchSet', body: '{"entries":[]}', status: 400 },
      {
        method: 'POST',
        path: '/api/v1/groups/scores/keys:batchSet',
        body: `{"entries":[{"key":"a","value":"${'x'.repeat(2 * VALUE_LIMIT)}"}]}`,
        status: 413,
      },
      {
        method: 'POST',
        path: '/api/v1/groups/scores/keys:batchSet',
        body: `{"entries":[{"key":"${'k'.repeat(1_025)}","value":"dg=="}]}`,
        status: 414,
      },
      {
        method: 'POST',
        path: '/api/v1/groups/nope/keys:batchSet',
        body: '{"entries":[{"key":"a","value":"dg=="}]}',
        status: 404,
      },
    ],
  },
  'POST /api/v1/groups/{group}/keys:batchDelete': {
    valid: [
      {
        method: 'POST',
        path: '/api/v1/groups/scores/keys:batchDelete',
        body: '{"keys":["openapi-a","openapi-b"]}',
        status: 200,
      },
    ],
    errors: [
      { method: 'POST', path: '/api/v1/groups/scores/keys:batchDelete', body: '{"keys":"a"}', status: 400 },
      {
        method: 'POST',
        path: '/api/v1/groups/scores/keys:batchDelete',
        body: `{"keys":["${'k'.repeat(1_025)}"]}`,
        status: 414,
      },
      { method: 'POST', path: '/api/v1/groups/nope/keys:batchDelete', body: '{"keys":["a"]}', status: 404 },
    ],
  },
  'DELETE /api/v1/groups/{group}': {
    valid: [{ method: 'DELETE', path: '/api/v1/groups/scores', status: 200 }],
    errors: [{ method: 'DELETE', path: '/api/v1/groups/nope', status: 404 }],
  },
  'GET /api': {
    valid: [
      { method: 'GET', path: '/api?key=Tom', status: 200 },
      { method: 'GET', path: '/api?group=scores&key=Jack', status: 200 },
    ],
    errors: [
      { method: 'GET', path: '/api', status: 400 },
      { method: 'GET', path: '/api?group=nope&key=Tom', status: 404 },
    ],
  },
  'GET /api/v1/cluster': { valid: [{ method: 'GET', path: '/api/v1/cluster', status: 200 }], errors: [] },
  'GET /api/v1/dashboard': {
    valid: [{ method: 'GET', path: '/api/v1/dashboard', status: 200 }],
    errors: [],
  },
  // A stream that never ends: its answers are checked by the dashboard's specs and its browser e2e.
  'GET /api/v1/events': { valid: [], errors: [] },
  'GET /api/v1/groups': {
    valid: [{ method: 'GET', path: '/api/v1/groups', status: 200 }],
    // 503 (no node known) is checked at the end, with every node stopped.
    errors: [],
  },
  'GET /api/v1/groups/{group}/hot': {
    valid: [
      { method: 'GET', path: '/api/v1/groups/scores/hot', status: 200 },
      { method: 'GET', path: '/api/v1/groups/scores/hot?limit=100', status: 200 },
    ],
    errors: [
      { method: 'GET', path: '/api/v1/groups/scores/hot?limit=abc', status: 400 },
      { method: 'GET', path: '/api/v1/groups/scores/hot?limit=101', status: 400 },
      { method: 'GET', path: '/api/v1/groups/nope/hot', status: 404 },
    ],
  },
  'GET /healthz': { valid: [{ method: 'GET', path: '/healthz', status: 200 }], errors: [] },
  'GET /readyz': { valid: [{ method: 'GET', path: '/readyz', status: 200 }], errors: [] },
  'GET /metrics': { valid: [{ method: 'GET', path: '/metrics', status: 200 }], errors: [] },
};

/**
 * The gateway's OpenAPI document against the running gateway: every documented operation answers, with
 * valid and with bad input, only statuses the document gives it. (That the app has no route the document
 * lacks is checked in gateway-runtime, against the routes Fastify registered.)
 */
describe('the OpenAPI document of a running gateway', () => {
  let etcd: EtcdCluster;
  let cluster: TestCluster;
  let document: OpenApi;

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
    cluster = await startCluster({
      etcd: { endpoints: etcd.endpoints },
      env: { RINGCACHE_GATEWAY_MAX_VALUE_BYTES: String(VALUE_LIMIT) },
    });
    const answer = await request('GET', `${cluster.gateway?.url}/docs-json`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('application/json');
    document = JSON.parse(answer.body) as OpenApi;
  });

  afterAll(async () => {
    await cluster?.stop();
    await etcd?.stop();
  });

  /** The documented statuses of an operation. */
  function documented(operation: string): number[] {
    const [method, path] = operation.split(' ');
    return Object.keys(document.paths[path]?.[method.toLowerCase()]?.responses ?? {}).map(Number);
  }

  async function call({ method, path, body }: Call): Promise<number> {
    const headers: Record<string, string> = body?.startsWith('{')
      ? { 'content-type': 'application/json' }
      : {};
    return (await request(method, `${cluster.gateway?.url}${path}`, body, headers)).status;
  }

  it('has a case for every documented operation, and documents every case', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(Object.keys(CASES).sort());
  });

  it('answers every operation, with valid and with bad input, only as documented', async () => {
    const wrong: string[] = [];
    for (const [operation, cases] of Object.entries(CASES)) {
      const statuses = documented(operation);
      for (const [kind, calls] of [
        ['valid', cases.valid],
        ['error', cases.errors],
      ] as const) {
        for (const c of calls) {
          const status = await call(c);
          if (!statuses.includes(status) || (c.status !== undefined && status !== c.status)) {
            wrong.push(
              `${operation} (${kind}) ${c.method} ${c.path.slice(0, 80)}: ${status}, documented ${statuses}`,
            );
          }
        }
      }
      if (cases.errors.length > 0) expect(statuses.some((s) => s >= 400)).toBe(true);
    }
    expect(wrong).toEqual([]);
  });

  it('documents the 503 every read and /readyz answer once no cache node is left', async () => {
    await Promise.all(cluster.nodes.map((node) => node.process.stop('SIGTERM', 10_000)));
    await eventually(
      'the gateway sees no node',
      async () => (await call({ method: 'GET', path: '/readyz' })) === 503,
      20_000,
    );
    for (const [operation, path] of [
      ['GET /readyz', '/readyz'],
      ['GET /api/v1/groups', '/api/v1/groups'],
      ['GET /api/v1/groups/{group}/hot', '/api/v1/groups/scores/hot'],
      ['GET /api/v1/groups/{group}/keys/{key}', '/api/v1/groups/scores/keys/Sam'],
      ['PUT /api/v1/groups/{group}/keys/{key}', '/api/v1/groups/scores/keys/Sam'],
    ]) {
      const method = operation.split(' ')[0];
      const status = await call({ method, path, body: method === 'PUT' ? 'v' : undefined });
      expect({ operation, status }).toEqual({ operation, status: 503 });
      expect(documented(operation)).toContain(503);
    }
  });
});
