import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';

import { FuzzRandom, startCluster, type TestCluster } from '@ringcache/testing';

import { allHealthy, changedKeys, DEMO_TABLE, rssGrowth, seed } from './fuzz-checks';
import { rssMiB } from './fuzz-http';
import { FUZZ_GROUP, KEPT_GROUP } from './fuzz-requests';
import { grpcCall, type FuzzCall } from './grpc-messages';

/**
 * Codes no request may cause on a healthy cluster, however malformed. DEADLINE_EXCEEDED is counted and
 * printed but not failed: on a machine shared with other work a call can wait out its 30 s for other reasons.
 */
const FAILURES = new Set([status.INTERNAL, status.UNKNOWN, status.DATA_LOSS, status.UNAVAILABLE]);

const identity = (bytes: Buffer) => bytes;

/** Calls of a run without FUZZ_COUNT. */
const CALLS = 1_500;

/** Sends one call's raw bytes; resolves with its status code. */
function call(client: Client, { method, bytes }: FuzzCall): Promise<{ code: number; details: string }> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      `/ringcache.v1.Cache/${method}`,
      identity,
      identity,
      bytes,
      new Metadata(),
      { deadline: Date.now() + 30_000 },
      (error: ServiceError | null) =>
        resolve({ code: error?.code ?? status.OK, details: error?.details ?? '' }),
    );
  });
}

/**
 * Random request bytes for every method of the gRPC Cache service on real nodes: random bytes, fields of
 * the wrong wire type, and well-typed messages of odd values. Each must be answered (INVALID_ARGUMENT and
 * the like), never INTERNAL, and change nothing it was not accepted to change. FUZZ_SEED replays a run.
 */
describe('gRPC fuzzing', () => {
  let cluster: TestCluster;
  const random = FuzzRandom.fromEnv('gRPC fuzzing');

  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 3,
      // The machine may be busy with other suites: give the processes time to start.
      readyTimeoutMs: 90_000,
      transport: 'grpc',
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

  it('answers random messages for every method without INTERNAL, crash, leak or stray change', async () => {
    const rssBefore = rssMiB(cluster);
    const clients = cluster.nodes.map(
      (n) => new Client(`127.0.0.1:${n.grpcPort}`, credentials.createInsecure()),
    );
    const byCode = new Map<string, number>();
    const failures: string[] = [];
    const touched = new Set<string>();
    const count = FuzzRandom.count(CALLS);
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const client = clients[next++ % clients.length];
        const fuzzed = grpcCall(random);
        const answer = await call(client, fuzzed);
        const name = `${fuzzed.method}:${status[answer.code]}`;
        byCode.set(name, (byCode.get(name) ?? 0) + 1);
        if (answer.code === status.UNAVAILABLE && failures.length === 0) {
          const dead = cluster.nodes.filter((n) => !n.process.alive);
          console.log(
            `first UNAVAILABLE after ${next} calls; dead: ${dead.map((n) => `${n.name}\n${n.process.output()}`).join('\n')}`,
          );
        }
        if (FAILURES.has(answer.code))
          failures.push(
            `${fuzzed.method} ${fuzzed.bytes.subarray(0, 300).toString('hex')} → ${status[answer.code]} ${answer.details}`,
          );
        if (answer.code === status.OK) for (const target of fuzzed.targets) touched.add(target);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    for (const client of clients) client.close();
    const codes = [...byCode]
      .sort()
      .map(([name, n]) => `${name}×${n}`)
      .join(' ');
    console.log(`gRPC: ${count} calls in ${Date.now() - started} ms — ${codes}`);

    expect(failures).toEqual([]);
    expect(await allHealthy(cluster)).toEqual([]);
    expect(rssGrowth(cluster, rssBefore, 'gRPC fuzzing', count / CALLS)).toEqual([]);
    expect(await changedKeys(cluster, [{ touched, flushed: new Set() }])).toEqual([]);
  }, 300_000);
});
