import { once } from 'node:events';

import {
  createItemTable,
  eventually,
  ITEM_GROUP,
  rawConnection,
  scrapeMetrics,
  ScratchMysql,
  SlowLoads,
  startCluster,
  sumMetric,
  type GatewayHandle,
  type RawConnection,
  type TestCluster,
} from '@ringcache/testing';

import { requestOver } from '../support';

/**
 * A client cannot keep the gateway's requests in flight by leaving them unfinished, on real processes and
 * MariaDB: requests sent at once on one connection (pipelined) and then hung up on give their slots back
 * with the connection, and a request whose body stops part-way is answered 408 and closed after
 * `gateway.requestTimeoutMs` (on a node's HTTP port, `node.requestTimeoutMs`). Either way
 * `ringcache_requests_in_flight` comes back to 0.
 */
describe('in-flight slots a client leaves behind', () => {
  let mysql: ScratchMysql;
  let slowLoads: SlowLoads;
  let cluster: TestCluster;
  let gateway: GatewayHandle;

  beforeAll(async () => {
    mysql = await ScratchMysql.create();
    await createItemTable(mysql, new Map([['a', 'v-a']]));
    slowLoads = await SlowLoads.create(mysql, 'item', 'slow_item');
    cluster = await startCluster({
      nodes: 1,
      mysqlUrl: mysql.url,
      env: {
        RINGCACHE_DEMO_SEED: 'false',
        RINGCACHE_GATEWAY_REQUEST_TIMEOUT_MS: '1000',
        RINGCACHE_NODE_REQUEST_TIMEOUT_MS: '1000',
      },
      groups: { slow: { ...ITEM_GROUP, table: 'slow_item' } },
    });
    gateway = cluster.gateway as GatewayHandle;
  });

  afterAll(async () => {
    await cluster?.stop();
    await mysql?.drop();
  });

  const inFlight = async (url = gateway.url) =>
    sumMetric(await scrapeMetrics(`${url}/metrics`), 'ringcache_requests_in_flight');

  /** An open connection to the gateway (or `url`), gathering what it answers. */
  const connection = async (url = gateway.url): Promise<RawConnection> => {
    const opened = rawConnection(Number(new URL(url).port));
    await once(opened.socket, 'connect');
    return opened;
  };

  it('gives back the slots of pipelined requests whose client hangs up before they are answered', async () => {
    // node:http closes only the first of the answers queued on a dropped connection: the others' slots must
    // go back with the connection, or a few such clients would leave every later request shed.
    await slowLoads.markSlow(['a'], 1_500);
    const { socket } = await connection();
    socket.write('GET /api/v1/groups/slow/keys/a HTTP/1.1\r\nHost: e2e\r\n\r\n'.repeat(50));
    await eventually('the 50 requests in flight', async () => (await inFlight()) === 50);
    socket.destroy();
    await eventually('every slot given back', async () => (await inFlight()) === 0, 5_000);
    await slowLoads.markFast('a');
    const read = await requestOver('GET', `${gateway.url}/api/v1/groups/slow/keys/a`);
    expect(read).toMatchObject({ status: 200, body: 'v-a' });
  });

  it('answers 408 and closes the connection of a request not all sent within gateway.requestTimeoutMs', async () => {
    const { socket, received, closed } = await connection();
    // A PUT that promises 1 KiB and sends 3 bytes of it, then nothing.
    socket.write(
      'PUT /api/v1/groups/slow/keys/late HTTP/1.1\r\nHost: e2e\r\nContent-Length: 1024\r\n\r\nabc',
    );
    await eventually('the PUT in flight', async () => (await inFlight()) === 1);
    const waited = Date.now();
    await closed;
    expect(received()).toMatch(/^HTTP\/1.1 408 /);
    // node:http checks every tenth of the timeout: closed about 1 s after the request began, not 5 min.
    expect(Date.now() - waited).toBeLessThan(5_000);
    // The slot goes back on the server's close of the socket, which can run after this client has seen the
    // close and the scrape below has been read.
    await eventually('the slot given back', async () => (await inFlight()) === 0, 2_000);
    // Nothing was stored.
    expect((await requestOver('GET', `${gateway.url}/api/v1/groups/slow/keys/late`)).status).toBe(404);
  });

  it("does the same on a node's HTTP port after node.requestTimeoutMs, and its streams stay open", async () => {
    const node = cluster.nodes[0].url;
    const { socket, received, closed } = await connection(node);
    socket.write(
      'PUT /_ringcache/slow/late HTTP/1.1\r\nHost: e2e\r\nContent-Type: application/octet-stream\r\nContent-Length: 1024\r\n\r\nabc',
    );
    await eventually("the node's PUT in flight", async () => (await inFlight(node)) === 1);
    const waited = Date.now();
    await closed;
    expect(received()).toMatch(/^HTTP\/1.1 408 /);
    expect(Date.now() - waited).toBeLessThan(5_000);
    await eventually("the node's slot given back", async () => (await inFlight(node)) === 0, 2_000);
    // An invalidation stream opened before, and held for twice the timeout, still carries the node's events.
    const stream = await connection(node);
    stream.socket.write('GET /_ringcache/:invalidations HTTP/1.1\r\nHost: e2e\r\n\r\n');
    await eventually('the stream says hello', () => stream.received().includes('"hello"'));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const written = await requestOver('PUT', `${gateway.url}/api/v1/groups/slow/keys/late`, {
      body: 'v-late',
    });
    expect(written.status).toBe(200);
    await eventually('the write announced', () => stream.received().includes('"key":"late"'));
    expect(stream.received()).not.toMatch(/ 408 /);
    stream.socket.destroy();
  });
});
