import { BatchingPeerClient, type PeerClient } from '@ringcache/cache-core';
import { GrpcPeerClient } from '@ringcache/peer-grpc';
import { HttpPeerClient } from '@ringcache/peer-http';
import type { TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { BENCH_GROUP, keyName, VALUE_BYTES } from '../data/keys';
import { cpuSeconds } from '../env/proc-stats';
import { CpuClock } from '../load/cpu-clock';
import { failureDetail, failureNote } from '../report/failure';
import { startBenchCluster } from './bench-cluster';
import { callsForRound, hopFigures, type HopFigures, type HopRound } from './hop-figures';

/** One row of the hop table: one shape of call over one transport, client and server CPU per call. */
export interface HopRow {
  /** Stable id for the JSON, e.g. `hop-grpc-get-1`. */
  id: string;
  transport: string;
  call: string;
  /** The row of the same call over the transport's former way (a unary call, a request each), if any. */
  before?: string;
  status: 'measured' | 'failed';
  figures?: HopFigures;
  notes: string[];
}

/** The keys the calls read: loaded once before any round, so every call is a hit at the node. */
const KEYS = 100;
const DEADLINE = { deadlineMs: 5_000 };
/** A call that made its hop: the node answers it itself, as an owner answers a gateway or a peer. */
const HOPPED = { ringVersion: '', hops: 1 };
const VALUE = Buffer.alloc(VALUE_BYTES, 0x62);

interface Transport {
  id: string;
  name: string;
  /** Id of the transport this one replaced, for the "× before" column. */
  before?: string;
  connect(node: TestCluster['nodes'][number]): PeerClient;
}

const TRANSPORTS: Transport[] = [
  {
    id: 'grpc-unary',
    name: 'gRPC, a unary call each',
    connect: (n) =>
      new GrpcPeerClient({ name: n.name, address: `127.0.0.1:${n.grpcPort}`, streamCalls: false }),
  },
  {
    id: 'grpc',
    name: 'gRPC, messages on one Calls stream (default)',
    before: 'grpc-unary',
    connect: (n) => new GrpcPeerClient({ name: n.name, address: `127.0.0.1:${n.grpcPort}` }),
  },
  {
    id: 'http-requests',
    name: 'HTTP, an HTTP/1.1 request each',
    connect: (n) => new HttpPeerClient({ name: n.name, address: `127.0.0.1:${n.httpPort}`, frames: false }),
  },
  {
    id: 'http',
    name: 'HTTP, frames on one connection (default)',
    before: 'http-requests',
    connect: (n) => new HttpPeerClient({ name: n.name, address: `127.0.0.1:${n.httpPort}` }),
  },
];

interface Call {
  id: string;
  name: string;
  /** Calls kept in flight at once. */
  inFlight: number;
  keysPerCall: number;
  /** Made through the auto-batching client a gateway's router uses, which joins a turn's Gets in a GetMany. */
  batching?: true;
  run(client: PeerClient, i: number): Promise<unknown>;
}

const key = (i: number) => keyName(i % KEYS);

const CALLS: Call[] = [
  {
    id: 'get-1',
    name: 'Get, 1 KiB, one call at a time',
    inFlight: 1,
    keysPerCall: 1,
    run: (c, i) => c.get({ group: BENCH_GROUP, key: key(i), ...HOPPED }, DEADLINE),
  },
  {
    id: 'get-16',
    name: 'Get, 1 KiB, 16 calls at a time',
    inFlight: 16,
    keysPerCall: 1,
    run: (c, i) => c.get({ group: BENCH_GROUP, key: key(i), ...HOPPED }, DEADLINE),
  },
  {
    id: 'get-batched-16',
    name: 'Get, 1 KiB, 16 calls at a time through the batching client (a gateway router’s)',
    inFlight: 16,
    keysPerCall: 1,
    batching: true,
    run: (c, i) => c.get({ group: BENCH_GROUP, key: key(i), ...HOPPED }, DEADLINE),
  },
  {
    id: 'getmany-16',
    name: 'GetMany of 16 × 1 KiB, 4 calls at a time',
    inFlight: 4,
    keysPerCall: 16,
    run: (c, i) =>
      c.getMany(
        { group: BENCH_GROUP, keys: Array.from({ length: 16 }, (_, j) => key(i * 16 + j)), ...HOPPED },
        DEADLINE,
      ),
  },
  {
    id: 'set-16',
    name: 'Set, 1 KiB, 16 calls at a time',
    inFlight: 16,
    keysPerCall: 1,
    run: (c, i) => c.set({ group: BENCH_GROUP, key: key(i), value: VALUE, ttlMs: 0, ...HOPPED }, DEADLINE),
  },
  {
    id: 'setmany-32',
    name: 'SetMany of 32 × 1 KiB, ttl 60 s, 4 calls at a time',
    inFlight: 4,
    keysPerCall: 32,
    run: (c, i) =>
      c.setMany(
        {
          group: BENCH_GROUP,
          entries: Array.from({ length: 32 }, (_, j) => ({
            key: key(i * 32 + j),
            value: VALUE,
            ttlMs: 60_000,
          })),
          ...HOPPED,
        },
        DEADLINE,
      ),
  },
];

/** Makes `calls` calls, `call.inFlight` at a time; rejects on the first that fails. */
async function makeCalls(client: PeerClient, call: Call, calls: number): Promise<void> {
  let next = 0;
  const loop = async () => {
    while (next < calls) await call.run(client, next++);
  };
  await Promise.all(Array.from({ length: call.inFlight }, loop));
}

/** One round: `calls` calls, with the CPU this process and the node used meanwhile. */
async function round(client: PeerClient, call: Call, calls: number, nodePid: number): Promise<HopRound> {
  const server = cpuSeconds(nodePid);
  const clock = new CpuClock();
  await makeCalls(client, call, calls);
  const [clientCpuSec, wallSec] = [clock.cpuSec(), clock.wallSec()];
  const serverAfter = cpuSeconds(nodePid);
  if (server === undefined || serverAfter === undefined) throw new Error(`no CPU time of pid ${nodePid}`);
  return { calls, clientCpuSec, serverCpuSec: serverAfter - server, wallSec };
}

/**
 * The CPU of one peer hop, client plus server, per call: this process calls one cache node (a real process,
 * on the server cores as this one is) over each transport, the node answering from its cache (the keys were
 * loaded first, and each call has made its hop, so it is answered where it lands). Per call shape, every
 * transport warms up, then runs its rounds in turn with the others, so a slower moment of the host falls on
 * all of them. The client's CPU is this whole process's; the node's is read from /proc in ticks of 10 ms, so
 * a round lasts `roundSec` (1 s; 0.3 s with --quick) for the node's share to be read within about 1 %.
 */
export async function hopRows(context: BenchContext): Promise<HopRow[]> {
  const { quick } = context.settings;
  const rounds = quick ? 2 : 5;
  const roundSec = quick ? 0.3 : 1;
  const warmupCalls = quick ? 1_000 : 5_000;
  context.progress('hop: one cache node (HTTP and gRPC ports), calls from this process');
  let cluster: TestCluster | undefined;
  const clients = new Map<string, PeerClient>();
  const rows: HopRow[] = [];
  try {
    cluster = await startBenchCluster(context, { transport: 'grpc', nodes: 1, gateway: false });
    const node = cluster.nodes[0];
    for (const transport of TRANSPORTS) clients.set(transport.id, transport.connect(node));
    const keys = Array.from({ length: KEYS }, (_, i) => keyName(i));
    const loaded = await clients.get('http')?.getMany({ group: BENCH_GROUP, keys, ...HOPPED }, DEADLINE);
    const missing = loaded?.results.filter((r) => !r.found).length;
    if (missing !== 0) throw new Error(`${missing} of the ${KEYS} keys were not found in the bench table`);
    for (const call of CALLS)
      rows.push(
        ...(await callRows(context, call, clients, node.process.pid, { rounds, roundSec, warmupCalls })),
      );
    return rows;
  } catch (error) {
    context.progress(`hop failed: ${failureDetail(error)}`);
    const done = new Set(rows.map((r) => r.id));
    const failed = CALLS.flatMap((call) => TRANSPORTS.map((t) => baseRow(call, t)))
      .filter((row) => !done.has(row.id))
      .map((row) => ({ ...row, status: 'failed' as const, notes: [failureNote(error)] }));
    return [...rows, ...failed];
  } finally {
    await Promise.all([...clients.values()].map((client) => client.close()));
    await cluster?.stop();
  }
}

function baseRow(call: Call, transport: Transport): HopRow {
  return {
    id: `hop-${transport.id}-${call.id}`,
    transport: transport.name,
    call: call.name,
    before: transport.before && `hop-${transport.before}-${call.id}`,
    status: 'measured',
    notes: [],
  };
}

/** The rows of one call shape: every transport warmed, then measured round by round in turn. */
async function callRows(
  context: BenchContext,
  call: Call,
  clients: Map<string, PeerClient>,
  nodePid: number,
  plan: { rounds: number; roundSec: number; warmupCalls: number },
): Promise<HopRow[]> {
  context.progress(`hop: ${call.name}, ${TRANSPORTS.length} transports, ${plan.rounds} rounds`);
  const sides: { transport: Transport; client: PeerClient; calls: number; rounds: HopRound[] }[] = [];
  for (const transport of TRANSPORTS) {
    const raw = clients.get(transport.id) as PeerClient;
    // The batching client holds nothing of its own to close: only the client it wraps does.
    const client = call.batching ? new BatchingPeerClient(raw) : raw;
    const warm = await round(client, call, plan.warmupCalls, nodePid);
    const calls = callsForRound(warm.calls, warm.wallSec, plan.roundSec, 100);
    sides.push({ transport, client, calls, rounds: [] });
  }
  for (let r = 0; r < plan.rounds; r++)
    for (const side of sides) side.rounds.push(await round(side.client, call, side.calls, nodePid));
  return sides.map((side) => ({
    ...baseRow(call, side.transport),
    figures: hopFigures(side.rounds, call.keysPerCall),
  }));
}
