import { loadPackageDefinition, Server, ServerCredentials } from '@grpc/grpc-js';

import { loadRingcacheProto } from '@ringcache/proto';
import type { CacheHandlers, CallRequest__Output, ProtoGrpcType } from '@ringcache/proto';

import { GrpcPeerClient } from '../lib/grpc-peer-client';
import { FakePeerHandler } from '../test/fake-peer-handler';
import { startTestNode } from '../test/test-node';

/**
 * Get round trips per second over one GrpcPeerClient channel on loopback — CALLS calls, IN_FLIGHT at a time,
 * 1 KiB values — against the Nest server, with a bare grpc-js server answering the same proto as the baseline
 * in the same run (so the ratio is the cost of Nest's gRPC transport). Client and server share the process,
 * as compiled JavaScript (not under Jest, whose module wrapper costs a third of the rate).
 * Run: `nx run peer-grpc:bench` (BENCH_CALLS and BENCH_IN_FLIGHT override the defaults).
 */
const CALLS = Number(process.env['BENCH_CALLS'] ?? 10_000);
const IN_FLIGHT = Number(process.env['BENCH_IN_FLIGHT'] ?? 64);
const ROUNDS = 3;
const VALUE = Buffer.alloc(1024, 'x');

/** Calls per second for CALLS Gets, IN_FLIGHT at a time. */
async function measure(client: GrpcPeerClient): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < CALLS) {
      next++;
      const answer = await client.get(
        { group: 'scores', key: 'Tom', ringVersion: '', hops: 0 },
        { deadlineMs: 10_000 },
      );
      if (!answer.found) throw new Error('bench key missing');
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return CALLS / ((performance.now() - started) / 1_000);
}

/** Median calls per second over ROUNDS, after a warm-up round. */
async function median(client: GrpcPeerClient): Promise<number> {
  await measure(client);
  const rates: number[] = [];
  for (let i = 0; i < ROUNDS; i++) rates.push(await measure(client));
  return rates.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

async function startBareServer(): Promise<{ address: string; close: () => void }> {
  const proto = loadPackageDefinition(loadRingcacheProto()) as unknown as ProtoGrpcType;
  const server = new Server();
  const handlers: CacheHandlers = {
    Get: (_call, done) => done(null, { found: true, value: VALUE, expireAtMs: 0 }),
    GetMany: (_call, done) => done(null, { results: [] }),
    Set: (_call, done) => done(null, { expireAtMs: 0 }),
    SetMany: (_call, done) => done(null, { results: [] }),
    Delete: (_call, done) => done(null, { deleted: false }),
    DeleteMany: (_call, done) => done(null, { results: [] }),
    Flush: (_call, done) => done(null, { generation: 0 }),
    Expire: (_call, done) => done(null, { removed: 0, scheduled: 0 }),
    Stats: (_call, done) => done(null, { json: '{"groups":[]}' }),
    HotKeys: (_call, done) => done(null, { keys: [] }),
    // Each stream call answered as its unary method above answers it.
    Calls: (call) => {
      const answers = {
        get: { found: true, value: VALUE, expireAtMs: 0 },
        getMany: { results: [] },
        set: { expireAtMs: 0 },
        setMany: { results: [] },
        delete: { deleted: false },
        deleteMany: { results: [] },
      };
      call.on(
        'data',
        (m: CallRequest__Output) => m.call && call.write({ id: m.id, [m.call]: answers[m.call] }),
      );
      call.on('end', () => call.end());
    },
  };
  server.addService(proto.ringcache.v1.Cache.service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { address: `127.0.0.1:${port}`, close: () => server.forceShutdown() };
}

async function main(): Promise<void> {
  const handler = new FakePeerHandler();
  handler.put('Tom', VALUE);
  const node = await startTestNode(handler);
  const bare = await startBareServer();
  const viaNest = new GrpcPeerClient({ name: 'nest', address: node.grpcAddress });
  const viaBare = new GrpcPeerClient({ name: 'bare', address: bare.address });
  try {
    const baseline = await median(viaBare);
    const nest = await median(viaNest);
    const line = (name: string, rate: number) =>
      `${name.padEnd(34)} ${Math.round(rate).toString().padStart(7)} calls/s`;
    console.log(
      [
        `Get round trips per second: ${CALLS} calls, ${IN_FLIGHT} in flight, one channel, 1 KiB values (median of ${ROUNDS})`,
        line('bare grpc-js server (baseline)', baseline),
        line('Nest hybrid server (PeerGrpcModule)', nest),
        `ratio Nest / baseline              ${(nest / baseline).toFixed(2)}`,
      ].join('\n'),
    );
  } finally {
    await viaNest.close();
    await viaBare.close();
    bare.close();
    await node.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
