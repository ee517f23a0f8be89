import {
  scrapeMetrics,
  sumMetric,
  builtApp,
  createItemTable,
  freePort,
  ITEM_GROUP,
  ScratchMysql,
  SlowLoads,
  startCluster,
  startProcess,
  waitForReady,
  type GatewayHandle,
  type ManagedProcess,
  type TestCluster,
} from '@ringcache/testing';

import { requestOver } from '../support';

/**
 * Protected mode and load shedding, on real processes and MariaDB: a gateway on 0.0.0.0 without API keys
 * refuses to start unless told `security.insecure`; a gateway and a node at their bound of requests in
 * flight (1, held by a load made slow in the database) answer the next request 503 `overloaded` with
 * Retry-After at once — the gateway on its own entry, the node over HTTP and over gRPC.
 */
describe('gateway protection', () => {
  let mysql: ScratchMysql;
  let slowLoads: SlowLoads;
  let cluster: TestCluster;
  let spare: GatewayHandle;
  const started: ManagedProcess[] = [];
  const keyUrl = (base: string, key: string) => `${base}/api/v1/groups/slow/keys/${key}`;

  beforeAll(async () => {
    mysql = await ScratchMysql.create();
    await createItemTable(mysql, new Map(['a', 'b', 'c', 'd'].map((k) => [k, `v-${k}`])));
    slowLoads = await SlowLoads.create(mysql, 'item', 'slow_item');
    cluster = await startCluster({
      nodes: 1,
      transport: 'grpc',
      mysqlUrl: mysql.url,
      env: {
        RINGCACHE_DEMO_SEED: 'false',
        RINGCACHE_GATEWAY_MAX_IN_FLIGHT: '1',
        RINGCACHE_NODE_MAX_IN_FLIGHT: '1',
      },
      groups: { slow: { ...ITEM_GROUP, table: 'slow_item' } },
    });
    // A gateway with room to spare, to reach the node's own bound over gRPC.
    spare = await cluster.addGateway('spare-gateway', { RINGCACHE_GATEWAY_MAX_IN_FLIGHT: '100' });
  });

  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop('SIGTERM', 5_000)));
    await cluster?.stop();
    await mysql?.drop();
  });

  /** A gateway process on 0.0.0.0 with the cluster's nodes and `env`. */
  const gatewayOnAllInterfaces = async (env: NodeJS.ProcessEnv) => {
    const port = await freePort();
    const process = startProcess({
      name: 'gateway-0.0.0.0',
      command: globalThis.process.execPath,
      args: [builtApp('gateway')],
      cwd: cluster.dir,
      env: {
        PATH: globalThis.process.env['PATH'],
        RINGCACHE_NODES: JSON.stringify(cluster.staticNodes),
        RINGCACHE_GATEWAY_HOST: '0.0.0.0',
        RINGCACHE_GATEWAY_PORT: String(port),
        ...env,
      },
    });
    started.push(process);
    return { process, url: `http://127.0.0.1:${port}` };
  };

  it('refuses to start a gateway on 0.0.0.0 without API keys, naming what to set', async () => {
    const { process } = await gatewayOnAllInterfaces({});
    expect(await process.exited).toEqual({ code: 2, signal: null });
    expect(process.output()).toContain('gateway.apiKeys');
    expect(process.output()).toContain('security.insecure: true');
  });

  it('starts it with security.insecure', async () => {
    const { process, url } = await gatewayOnAllInterfaces({ RINGCACHE_SECURITY_INSECURE: 'true' });
    await waitForReady(url, process);
    expect((await requestOver('GET', keyUrl(url, 'a'))).body).toBe('v-a');
  });

  it('answers 503 overloaded with Retry-After past the bound, at the gateway and at the node', async () => {
    // Under the loader's 2 s query timeout, long enough to hold the one slot while the others are asked.
    await slowLoads.markSlow(['b'], 1_500);
    const gateway = cluster.gateway as GatewayHandle;
    const held = requestOver('GET', keyUrl(gateway.url, 'b'));
    expect(await slowLoads.running(10_000)).toBeDefined();

    const atGateway = await requestOver('GET', keyUrl(gateway.url, 'c'));
    const overNodeHttp = await requestOver('GET', `${cluster.nodes[0].url}/_ringcache/slow/c`);
    const overNodeGrpc = await requestOver('GET', keyUrl(spare.url, 'd'));
    for (const answer of [atGateway, overNodeHttp, overNodeGrpc]) {
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'overloaded' });
    }
    expect(atGateway.headers['retry-after']).toBe('1');
    expect(overNodeHttp.headers['retry-after']).toBe('1');
    // Probes are never shed: an overloaded process is not declared dead.
    expect((await requestOver('GET', `${gateway.url}/healthz`)).status).toBe(200);
    // And the refusals are counted where operators look: the gateway's, the node's (HTTP and gRPC; the
    // gateway's own background calls to the node, such as stats samples, may add to it).
    const shed = async (url: string) =>
      sumMetric(await scrapeMetrics(`${url}/metrics`), 'ringcache_requests_shed_total');
    expect(await shed(gateway.url)).toBeGreaterThanOrEqual(1);
    expect(await shed(cluster.nodes[0].url)).toBeGreaterThanOrEqual(2);

    expect(await held).toMatchObject({ status: 200, body: 'v-b' });
    expect((await requestOver('GET', keyUrl(gateway.url, 'c'))).body).toBe('v-c');
  });
});
