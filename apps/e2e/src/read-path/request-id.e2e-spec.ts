import {
  eventually,
  scrapeMetrics,
  startCluster,
  sumMetric,
  type ManagedProcess,
  type TestCluster,
} from '@ringcache/testing';

import { gatewayUrl, ownerOf, peerUrl, request } from '../support';

/** The JSON log lines a process printed with this `reqId`. */
function linesOf(process: ManagedProcess | undefined, reqId: string): Record<string, unknown>[] {
  return (process?.output() ?? '')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(reqId))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line['reqId'] === reqId);
}

/**
 * One client request followed through every process it touches by its `x-request-id`: the gateway, which
 * owns nothing, and the node that owns the key and loads it; or a node that does not own the key, and the
 * owner it forwards to. The processes log every request at debug.
 */
describe('request ids across hops', () => {
  let cluster: TestCluster;
  const id = (name: string) => `e2e-${name}-${Date.now().toString(36)}`;

  beforeAll(async () => {
    cluster = await startCluster({ env: { RINGCACHE_LOG_LEVEL: 'debug' } });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it("carries the client's id from the gateway to the owner, which logs its load under it", async () => {
    const key = 'trace-gateway';
    const reqId = id('gw');
    const answer = await request('GET', gatewayUrl(cluster, 'scores', key), undefined, {
      'x-request-id': reqId,
    });
    expect(answer.status).toBe(404); // not in the demo table: a miss the owner loads (as not found)
    expect(answer.headers.get('x-request-id')).toBe(reqId);

    const owner = ownerOf(cluster, 'scores', key);
    await eventually('the gateway and the owner to log the request', () => {
      expect(linesOf(cluster.gateway?.process, reqId)).toContainEqual(
        expect.objectContaining({
          app: 'gateway',
          msg: 'request',
          status: 404,
          url: expect.stringContaining(key),
        }),
      );
      expect(linesOf(cluster.node(owner).process, reqId)).toContainEqual(
        expect.objectContaining({
          app: 'cache-node',
          node: owner,
          operation: 'Get',
          key,
          hops: 0,
          found: false,
        }),
      );
    });
    for (const node of cluster.nodes.filter((n) => n.name !== owner))
      expect(linesOf(node.process, reqId)).toEqual([]);
  });

  it('passes the id on when a node that does not own the key forwards it to the owner', async () => {
    const key = 'trace-forward';
    const owner = ownerOf(cluster, 'scores', key);
    const entry = cluster.nodes.find((n) => n.name !== owner);
    if (!entry) throw new Error('no node other than the owner');
    const reqId = id('fwd');
    const answer = await request('GET', peerUrl(entry, 'scores', key), undefined, { 'x-request-id': reqId });
    expect(answer.status).toBe(404);

    await eventually('both nodes to log the request', () => {
      expect(linesOf(entry.process, reqId)).toContainEqual(
        expect.objectContaining({ node: entry.name, operation: 'Get', key, hops: 0 }),
      );
      expect(linesOf(cluster.node(owner).process, reqId)).toContainEqual(
        expect.objectContaining({ node: owner, operation: 'Get', key, hops: 1, found: false }),
      );
    });
  });

  it("gives a request without an id one of the gateway's, answered to the client and logged by the owner", async () => {
    const key = 'trace-no-id';
    const answer = await request('GET', gatewayUrl(cluster, 'scores', key));
    const reqId = answer.headers.get('x-request-id') as string;
    expect(reqId).toMatch(/^[0-9a-f]{10}-\d+$/);
    const owner = cluster.node(ownerOf(cluster, 'scores', key));
    await eventually('the owner to log the request', () =>
      expect(linesOf(owner.process, reqId)).toContainEqual(
        expect.objectContaining({ operation: 'Get', key }),
      ),
    );
  });

  it("echoes the client's id on an answer the gateway's near cache gives, which no owner sees", async () => {
    const key = 'trace-near';
    const metrics = `${cluster.gateway?.url}/metrics`;
    const nearHits = async () =>
      sumMetric(await scrapeMetrics(metrics), 'ringcache_gateway_near_cache_hits_total');
    await eventually('the near cache to be on', async () =>
      expect(sumMetric(await scrapeMetrics(metrics), 'ringcache_gateway_near_cache_enabled')).toBe(1),
    );
    expect((await request('GET', gatewayUrl(cluster, 'scores', key))).status).toBe(404);
    const hitsBefore = await nearHits();
    const reqId = id('near');
    const answer = await request('GET', gatewayUrl(cluster, 'scores', key), undefined, {
      'x-request-id': reqId,
    });
    expect(answer.status).toBe(404);
    expect(answer.headers.get('x-request-id')).toBe(reqId);
    expect(await nearHits()).toBe(hitsBefore + 1);
  });
});
