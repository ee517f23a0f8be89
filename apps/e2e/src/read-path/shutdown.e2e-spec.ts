import { connect } from 'node:net';

import {
  bytesWaitingAt,
  eventually,
  scrapeMetrics,
  startCluster,
  sumMetric,
  type TestCluster,
} from '@ringcache/testing';

import { concurrently, get, ownerOf, peerUrl } from '../support';

/** True when nothing accepts connections on local `port` any more (a closing server stopped listening). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** SIGTERM and SIGINT stop a process gracefully: requests in flight are answered, and it exits 0. */
describe('graceful shutdown', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, transport: 'http' });
  });

  afterAll(async () => {
    cluster?.nodes[0].process.signal('SIGCONT');
    await cluster?.stop();
  });

  it('answers the requests it is working on, then exits 0 on SIGTERM', async () => {
    const [owner, , leaving] = cluster.nodes;
    const keys = Array.from({ length: 300 }, (_, i) => `slow-${i}`)
      .filter((k) => ownerOf(cluster, 'scores', k) === owner.name)
      .slice(0, 20);
    // Freeze the owner, so `leaving` is surely mid-request (waiting on its forward) when it gets SIGTERM.
    owner.process.signal('SIGSTOP');
    // Requests a node has received from clients (counted as each arrives, before it is forwarded).
    const received = async () =>
      sumMetric(await scrapeMetrics(`${leaving.url}/metrics`), 'ringcache_peer_requests_total', {
        hops: '0',
      });
    const before = await received();
    const inFlight = concurrently(keys.length, (i) => get(peerUrl(leaving, 'scores', keys[i])));
    await eventually(
      'every request at leaving, and its forwards waiting at the frozen owner',
      async () => (await received()) - before === keys.length && bytesWaitingAt(owner.httpPort) > 0,
      10_000,
    );
    const exited = leaving.process.stop('SIGTERM', 15_000);
    await eventually('leaving closing (no longer listening)', () => refused(leaving.httpPort), 10_000);
    owner.process.signal('SIGCONT');
    const answers = await inFlight;
    expect(answers.map((a) => a.status)).toEqual(keys.map(() => 404));
    expect(await exited).toEqual({ code: 0, signal: null });
  });

  it('never answers 5xx or cuts a reply while closing under load', async () => {
    const node = cluster.nodes[1];
    let firstAnswer: () => void = () => undefined;
    const answering = new Promise<void>((resolve) => (firstAnswer = resolve));
    const outcomes = await Promise.all([
      ...Array.from({ length: 200 }, (_, i) =>
        get(peerUrl(node, 'scores', `key-${i}`)).then(
          (answer) => {
            firstAnswer();
            return String(answer.status);
          },
          (error: { cause?: { code?: string } }) => String(error.cause?.code),
        ),
      ),
      // SIGINT as soon as the node answers the flood, while the rest of it is still in flight.
      answering.then(() => node.process.stop('SIGINT', 15_000)).then((exit) => `exit ${exit.code}`),
    ]);
    // Requests are answered, or their connection was refused or reset before the server read them.
    expect(outcomes.filter((o) => !['404', 'ECONNREFUSED', 'ECONNRESET', 'exit 0'].includes(o))).toEqual([]);
    expect(outcomes).toContain('exit 0');
    expect(outcomes).toContain('404');
  });

  it('exits 0 when the gateway gets SIGTERM', async () => {
    expect(await cluster.gateway?.process.stop('SIGTERM', 15_000)).toEqual({ code: 0, signal: null });
  });
});
