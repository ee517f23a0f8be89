import { FuzzRandom, startCluster, type TestCluster } from '@ringcache/testing';

import { allHealthy, changedKeys, DEMO_TABLE, rssGrowth, seed } from './fuzz-checks';
import { fuzz, rssMiB, summary, type FuzzTally } from './fuzz-http';
import { FUZZ_GROUP, gatewayRequest, KEPT_GROUP, peerRequest } from './fuzz-requests';

/** Gateway requests of a run without FUZZ_COUNT. */
const GATEWAY_REQUESTS = 6_000;

/**
 * Random requests against real processes — the gateway's API and the nodes' peer routes: methods, paths,
 * encodings (valid and broken), headers and bodies. Nothing may crash, answer 500, leak memory, or change
 * a key that no accepted or unanswered write named. FUZZ_SEED replays a run; FUZZ_COUNT raises the counts.
 */
describe('HTTP fuzzing', () => {
  let cluster: TestCluster;
  const random = FuzzRandom.fromEnv('HTTP fuzzing');
  const count = FuzzRandom.count(GATEWAY_REQUESTS);
  const tallies: FuzzTally[] = [];
  let rssBefore: Map<string, number>;

  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 3,
      // The machine may be busy with other suites: give the processes time to start.
      readyTimeoutMs: 90_000,
      transport: 'http',
      // Both read the demo table the nodes seed into their SQLite file.
      groups: {
        [KEPT_GROUP]: { ...DEMO_TABLE, ttl: '30m', maxBytes: '256MiB' },
        [FUZZ_GROUP]: { ...DEMO_TABLE, ttl: '30m' },
      },
    });
    await seed(cluster);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  const check = (tally: FuzzTally) => {
    expect(tally.serverErrors).toEqual([]);
    expect(tally.noAnswer).toEqual([]);
  };

  it('answers random gateway requests without a 500', async () => {
    const started = Date.now();
    // The first tenth warms the processes up (heaps grow to their working size); RSS is measured from there.
    const gateway = cluster.gateway?.url as string;
    const warmUp = await fuzz(gateway, Math.ceil(count / 10), gatewayRequest, random);
    tallies.push(warmUp);
    check(warmUp);
    rssBefore = rssMiB(cluster);
    const tally = await fuzz(gateway, count - Math.ceil(count / 10), gatewayRequest, random);
    tallies.push(tally);
    console.log(summary('gateway', tally, Date.now() - started));
    check(tally);
  });

  it('answers random peer-route requests on every node without a 500', async () => {
    const started = Date.now();
    for (const node of cluster.nodes) {
      const tally = await fuzz(
        node.url,
        Math.ceil(FuzzRandom.count(4_000) / cluster.nodes.length),
        peerRequest,
        random,
      );
      tallies.push(tally);
      console.log(summary(node.name, tally, Date.now() - started));
      check(tally);
    }
  });

  it('keeps every process up, its memory bounded, and every key no accepted or unanswered write named', async () => {
    expect(await allHealthy(cluster)).toEqual([]);
    expect(rssGrowth(cluster, rssBefore, 'HTTP fuzzing', count / GATEWAY_REQUESTS)).toEqual([]);
    expect(await changedKeys(cluster, tallies)).toEqual([]);
  });
});
