import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  builtApp,
  eventually,
  freePort,
  startCluster,
  startProcess,
  tempDir,
  type GatewayHandle,
  type ManagedProcess,
  type TempDir,
  type TestCluster,
} from '@ringcache/testing';

import { bearer, ownerOf, peerUrl, requestOver } from '../support';
import {
  API_KEYS_ENV,
  KEYS,
  LIMITED_KEY,
  ROUTES,
  expectedFor,
  headersFor,
  type Caller,
} from './gateway-routes';

const CALLERS: Caller[] = ['none', 'reader', 'app', 'ops'];

/**
 * API keys at the gateway, on real processes: every route answers 401, 403 or 2xx exactly as the scope
 * table says, over HTTP and over HTTPS (a certificate made here by openssl), on the fast path and on the
 * framework's routes alike; a refused write changes nothing; no key reaches the logs; a key's rate limit
 * answers 429.
 */
describe('gateway API keys', () => {
  let cluster: TestCluster;
  let gateway: GatewayHandle;
  let dir: TempDir;
  let ca: Buffer;
  let httpsUrl: string;
  let httpsGateway: ManagedProcess;

  beforeAll(async () => {
    dir = tempDir('ringcache-gateway-auth-');
    const [cert, key] = [join(dir.path, 'cert.pem'), join(dir.path, 'key.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(cert);
    cluster = await startCluster({ nodes: 2, gateway: false });
    // Every request is logged at debug: the keys must not be among the lines.
    const env = { RINGCACHE_GATEWAY_API_KEYS: API_KEYS_ENV, RINGCACHE_LOG_LEVEL: 'debug' };
    gateway = await cluster.addGateway('gateway', env);
    const port = await freePort();
    httpsUrl = `https://127.0.0.1:${port}`;
    httpsGateway = startProcess({
      name: 'https-gateway',
      command: process.execPath,
      args: [builtApp('gateway')],
      cwd: cluster.dir,
      env: {
        PATH: process.env['PATH'],
        ...env,
        RINGCACHE_SQLITE_PATH: join(cluster.dir, 'ringcache.sqlite'),
        RINGCACHE_GATEWAY_PORT: String(port),
        RINGCACHE_NODES: JSON.stringify(cluster.staticNodes),
        RINGCACHE_GATEWAY_TLS_CERT_FILE: cert,
        RINGCACHE_GATEWAY_TLS_KEY_FILE: key,
      },
    });
    await eventually(
      'the HTTPS gateway to be ready',
      async () => {
        if (!httpsGateway.alive) throw new Error(`exited:\n${httpsGateway.output()}`);
        return (await requestOver('GET', `${httpsUrl}/readyz`, { ca })).status === 200;
      },
      30_000,
    );
  });

  afterAll(async () => {
    await httpsGateway?.stop('SIGTERM', 5_000);
    await cluster?.stop();
    dir?.remove();
  });

  describe.each([
    ['HTTP', () => gateway.url, () => undefined],
    ['HTTPS', () => httpsUrl, () => ca],
  ])('over %s', (_scheme, base, trusted) => {
    it('answers every route as the scope table says, for every caller', async () => {
      const seen: string[] = [];
      const wanted: string[] = [];
      for (const route of ROUTES) {
        for (const caller of CALLERS) {
          const answer = await requestOver(route.method, base() + route.path, {
            headers: headersFor(route, caller),
            body: route.body,
            ca: trusted(),
          });
          const expected = expectedFor(route, caller);
          const label = `${route.method} ${route.path} as ${caller}`;
          wanted.push(`${label}: ${expected}`);
          seen.push(`${label}: ${answer.status >= 200 && answer.status < 300 ? '2xx' : answer.status}`);
          if (expected === 401) {
            expect(answer.headers['www-authenticate']).toBe('Bearer realm="ringcache"');
            expect(JSON.parse(answer.body)).toMatchObject({ code: 'unauthenticated' });
          }
          if (expected === 403) expect(JSON.parse(answer.body)).toMatchObject({ code: 'permission_denied' });
          if (expected !== '2xx') expect(answer.headers['x-request-id']).toBeTruthy();
        }
      }
      expect(seen).toEqual(wanted);
    });
  });

  it('changes nothing on a refused write: the value stays, on the gateway and on the owner', async () => {
    const url = `${gateway.url}/api/v1/groups/scores/keys/Jack`;
    const read = bearer(KEYS.reader);
    expect((await requestOver('GET', url, { headers: read })).body).toBe('589');
    expect((await requestOver('PUT', url, { body: 'hacked' })).status).toBe(401);
    expect((await requestOver('PUT', url, { body: 'hacked', headers: read })).status).toBe(403);
    expect((await requestOver('DELETE', url, { headers: bearer('not-a-key') })).status).toBe(401);
    expect((await requestOver('GET', url, { headers: read })).body).toBe('589');
    const owner = cluster.node(ownerOf(cluster, 'scores', 'Jack'));
    expect((await requestOver('GET', peerUrl(owner, 'scores', 'Jack'))).body).toBe('589');
  });

  it('never writes a key to the logs, though every request is logged', () => {
    for (const process of [gateway.process, httpsGateway]) {
      const output = process.output();
      expect(output).toContain('/api/v1/groups/scores/keys/Tom');
      for (const key of [...Object.values(KEYS), LIMITED_KEY]) expect(output).not.toContain(key);
    }
  });

  it("answers 429 with Retry-After past a key's rate limit, and serves it again after", async () => {
    const url = `${gateway.url}/api/v1/groups/scores/keys/Sam`;
    const statuses: number[] = [];
    let retryAfter: string | string[] | undefined;
    for (let i = 0; i < 4; i++) {
      const answer = await requestOver('GET', url, { headers: bearer(LIMITED_KEY) });
      statuses.push(answer.status);
      if (answer.status === 429) {
        retryAfter = answer.headers['retry-after'];
        expect(JSON.parse(answer.body)).toMatchObject({ code: 'rate_limited' });
      }
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses.slice(2)).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await requestOver('GET', url, { headers: bearer(LIMITED_KEY) })).status).toBe(200);
  });
});
