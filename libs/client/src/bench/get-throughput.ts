import { Agent, request } from 'node:http';

import { GrpcPeerClient } from '@ringcache/peer-grpc';
import { HttpPeerClient } from '@ringcache/peer-http';

import { RingcacheClient } from '../lib/ringcache-client';
import { BENCH_GROUP, startBenchCluster } from '../test/bench-cluster';

/**
 * Gets per second through the SDK against three real nodes — CALLS gets, IN_FLIGHT at a time, 1 KiB values
 * written beforehand with `set` — for one hot key and for 10,000 keys in random order, with p50/p99 of
 * each call and the client's CPU per call, over each transport (gRPC, and HTTP with IN_FLIGHT sockets per
 * node), with the bare peer client of each as its baseline. For reference, the same load through the
 * gateway's HTTP API from this process (node:http with a keep-alive agent of IN_FLIGHT sockets): the SDK
 * saves the gateway hop. Client and load share this process, as the SDK shares its user's. Run:
 * `nx run client:bench` (BENCH_CALLS, BENCH_IN_FLIGHT, BENCH_ROUNDS override the defaults).
 */
const CALLS = Number(process.env['BENCH_CALLS'] ?? 10_000);
const IN_FLIGHT = Number(process.env['BENCH_IN_FLIGHT'] ?? 64);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const KEYS = 10_000;
const VALUE = Buffer.alloc(1024, 'v');

interface Result {
  perSecond: number;
  /** CPU time of this process (the client side) per call, in µs. */
  cpuMicros: number;
  p50: number;
  p99: number;
}

/** Runs `call(i)` CALLS times, IN_FLIGHT at a time; rate and latency percentiles. */
async function measure(call: (i: number) => Promise<unknown>): Promise<Result> {
  const latencies = new Float64Array(CALLS);
  let next = 0;
  const worker = async () => {
    while (next < CALLS) {
      const i = next++;
      const started = performance.now();
      await call(i);
      latencies[i] = performance.now() - started;
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1_000;
  const used = process.cpuUsage(cpu);
  latencies.sort();
  return {
    perSecond: CALLS / seconds,
    cpuMicros: (used.user + used.system) / CALLS,
    p50: latencies[Math.floor(CALLS * 0.5)],
    p99: latencies[Math.floor(CALLS * 0.99)],
  };
}

/** The median round by rate, after one warm-up round. */
async function median(call: (i: number) => Promise<unknown>): Promise<Result> {
  await measure(call);
  const rounds: Result[] = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await measure(call));
  rounds.sort((a, b) => a.perSecond - b.perSecond);
  return rounds[Math.floor(rounds.length / 2)];
}

function asBuffer(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function check(value: Buffer | undefined): void {
  if (value?.length !== VALUE.length) throw new Error('bench value missing');
}

async function main(): Promise<void> {
  const cluster = await startBenchCluster();
  const client = new RingcacheClient({ nodes: cluster.staticNodes });
  // As many sockets per node as calls in flight, as the gateway reference's agent: no call waits for one.
  const overHttp = new RingcacheClient({
    nodes: cluster.staticNodes,
    transport: 'http',
    http: { maxSockets: IN_FLIGHT },
  });
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const viaGateway = (key: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        `${cluster.gateway?.url}/api/v1/groups/${BENCH_GROUP}/keys/${key}`,
        { agent, timeout: 10_000 },
        (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () =>
            res.statusCode === 200 && bytes === VALUE.length
              ? resolve()
              : reject(new Error(`gateway ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  const closers: (() => Promise<void>)[] = [];
  try {
    await Promise.all([client.ready(), overHttp.ready()]);
    const keys = Array.from({ length: KEYS }, (_, i) => `bench-${i}`);
    const order = Array.from({ length: CALLS }, () => keys[Math.floor(Math.random() * KEYS)]);
    const ownerNode = cluster.staticNodes.find((n) => n.name === client.owner(BENCH_GROUP, keys[0]));
    const grpcOwner = new GrpcPeerClient({ name: 'owner', address: ownerNode?.grpc ?? '' });
    const httpOwner = new HttpPeerClient({
      name: 'owner',
      address: ownerNode?.http ?? '',
      maxSockets: IN_FLIGHT,
    });
    const hot = { group: BENCH_GROUP, key: keys[0], ringVersion: '', hops: 0 };
    closers.push(
      () => grpcOwner.close(),
      () => httpOwner.close(),
    );
    const grpcFill = await measure((i) => client.set(BENCH_GROUP, keys[i % KEYS], VALUE));
    for (let i = CALLS; i < KEYS; i++) await client.set(BENCH_GROUP, keys[i], VALUE);
    // The same values again, over HTTP: a set is measured on each transport.
    const httpFill = await measure((i) => overHttp.set(BENCH_GROUP, keys[i % KEYS], VALUE));

    const sdkGet = (sdk: RingcacheClient, key: (i: number) => string) =>
      median(async (i) => check(await sdk.get(BENCH_GROUP, key(i))));
    const ownerGet = (owner: GrpcPeerClient | HttpPeerClient) =>
      median(async () => check(asBuffer((await owner.get(hot, { deadlineMs: 10_000 })).value)));
    // gRPC and HTTP rows alternate, so a slow spell of the shared machine weighs on both alike.
    const grpcHot = await sdkGet(client, () => keys[0]);
    const httpHot = await sdkGet(overHttp, () => keys[0]);
    const grpcUniform = await sdkGet(client, (i) => order[i]);
    const httpUniform = await sdkGet(overHttp, (i) => order[i]);
    const rows: [string, Result][] = [
      ['SDK get, hot key, gRPC', grpcHot],
      ['SDK get, hot key, HTTP', httpHot],
      ['SDK get, 10,000 keys uniform, gRPC', grpcUniform],
      ['SDK get, 10,000 keys uniform, HTTP', httpUniform],
      ['SDK set, 1 KiB, gRPC (the fill)', grpcFill],
      ['SDK set, 1 KiB, HTTP (the fill again)', httpFill],
      ['GrpcPeerClient Get to the owner, hot key (baseline: no ring, no timeout)', await ownerGet(grpcOwner)],
      ['HttpPeerClient Get to the owner, hot key (baseline: no ring, no timeout)', await ownerGet(httpOwner)],
      ['gateway HTTP get, hot key (reference)', await median(() => viaGateway(keys[0]))],
      ['gateway HTTP get, 10,000 keys uniform (reference)', await median((i) => viaGateway(order[i]))],
    ];
    console.log(
      `${CALLS} calls per round, ${IN_FLIGHT} in flight, 1 KiB values, 3 nodes, median of ${ROUNDS} rounds`,
    );
    console.log('| row | calls/s | p50 ms | p99 ms | client CPU µs/call |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const [name, r] of rows)
      console.log(
        `| ${name} | ${Math.round(r.perSecond).toLocaleString('en')} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${Math.round(r.cpuMicros)} |`,
      );
    for (const [name, grpc, http] of [
      ['hot key', grpcHot, httpHot],
      ['10,000 keys uniform', grpcUniform, httpUniform],
    ] as const) {
      console.log(
        `SDK get, ${name}, HTTP ÷ gRPC: client CPU per call ×${(http.cpuMicros / grpc.cpuMicros).toFixed(2)}, ` +
          `calls/s ×${(http.perSecond / grpc.perSecond).toFixed(2)}`,
      );
    }
    console.log(
      `client stats: gRPC ${JSON.stringify(client.stats())}, HTTP ${JSON.stringify(overHttp.stats())}`,
    );
  } finally {
    for (const close of closers) await close();
    agent.destroy();
    await client.close();
    await overHttp.close();
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
