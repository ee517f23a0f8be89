import {
  builtApp,
  freePort,
  startCluster,
  startProcess,
  waitForReady,
  type ManagedProcess,
  type StaticNode,
  type TestCluster,
} from '@ringcache/testing';

import { get } from '../support';

/** What the group routes answer about the nodes asked. */
interface NodesAnswered {
  nodes: { asked: number; answered: number; failed: { node: string; error: string }[] };
}

/**
 * The gateway asks nodes for their statistics over the peer transport. Its gateways here are told each
 * node's real gRPC address but an HTTP address where nothing listens: the gRPC one answers every node's
 * statistics, so they cannot have come over the nodes' HTTP `:stats` and `:hot` routes; one on HTTP peers,
 * with the same list, hears from no node (the addresses really are dead).
 */
describe('the group routes of a gateway on gRPC peers go over gRPC', () => {
  let cluster: TestCluster;
  const gateways: ManagedProcess[] = [];
  let overGrpc: string;
  let overHttp: string;

  /** A gateway on `transport` peers with the cluster's nodes, their HTTP addresses replaced by dead ones. */
  async function gateway(transport: 'grpc' | 'http', nodes: StaticNode[]): Promise<string> {
    const port = await freePort();
    const process = startProcess({
      name: `gateway-${transport}`,
      command: globalThis.process.execPath,
      args: [builtApp('gateway')],
      cwd: cluster.dir,
      env: {
        PATH: globalThis.process.env['PATH'],
        NODE_ENV: 'test',
        RINGCACHE_LOG_LEVEL: 'warn',
        RINGCACHE_PEERS_TRANSPORT: transport,
        RINGCACHE_NODES: JSON.stringify(nodes),
        RINGCACHE_GATEWAY_PORT: String(port),
      },
    });
    gateways.push(process);
    const url = `http://127.0.0.1:${port}`;
    await waitForReady(url, process);
    return `${url}/api/v1/groups`;
  }

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, transport: 'grpc', gateway: false });
    const deadHttp: StaticNode[] = [];
    for (const node of cluster.staticNodes) deadHttp.push({ ...node, http: `127.0.0.1:${await freePort()}` });
    [overGrpc, overHttp] = await Promise.all([gateway('grpc', deadHttp), gateway('http', deadHttp)]);
    for (let i = 0; i < 5; i++) expect((await get(`${overGrpc}/scores/keys/Tom`)).status).toBe(200);
    expect((await get(`${overGrpc}/scores/keys/Sam`)).status).toBe(200);
  });

  afterAll(async () => {
    await Promise.all(gateways.map((p) => p.stop('SIGTERM', 5_000)));
    await cluster?.stop();
  });

  it("answers every node's counters without reaching any node's HTTP endpoint", async () => {
    const answer = await get(overGrpc);
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as NodesAnswered & { groups: { name: string; nodes: number }[] };
    expect(body.nodes).toEqual({ asked: 3, answered: 3, failed: [] });
    expect(body.groups.find((g) => g.name === 'scores')?.nodes).toBe(3);
  });

  it('answers hot keys, and an unknown group as 404, over gRPC', async () => {
    const hot = await get(`${overGrpc}/scores/hot?limit=2`);
    expect(hot.status).toBe(200);
    const body = JSON.parse(hot.body) as NodesAnswered & { keys: { key: string }[] };
    expect(body.nodes).toEqual({ asked: 3, answered: 3, failed: [] });
    expect(body.keys.map((k) => k.key)).toEqual(['Tom', 'Sam']);
    // Every node answers NOT_FOUND unknown_group over gRPC, which the gateway counts as "not served here".
    const unknown = await get(`${overGrpc}/nope/hot`);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ code: 'unknown_group', message: 'unknown group "nope"' });
  });

  it('hears from no node on HTTP peers with the same dead HTTP addresses', async () => {
    const answer = await get(overHttp);
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('no cache node answered');
  });
});
