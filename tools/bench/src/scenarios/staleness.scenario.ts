import { RingcacheClient } from '@ringcache/client';
import type { GatewayHandle, TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { BENCH_GROUP, KEY_PATH_PREFIX, keyName } from '../data/keys';
import { failureDetail, failureNote } from '../report/failure';
import { addNearGateway, GATEWAY_NEAR_BYTES, startBenchCluster } from './bench-cluster';

/** How long a near cache kept answering a key's old value after a write of it returned elsewhere. */
export interface StalenessRow {
  id: string;
  name: string;
  status: 'measured' | 'failed';
  /** Writes measured. */
  writes?: number;
  /** Staleness percentiles, ms: from the write's answer to the start of the first read here that saw it. */
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  /** p99, ms, from the write's answer to the end of that read: the figure above plus the read itself. */
  answeredP99Ms?: number;
  /** Reads through the writing gateway, right after its write returned, that answered the old value. */
  ownWriteMisses?: number;
  notes: string[];
}

/** Longest a reader keeps polling for one write before the row fails. */
const GIVE_UP_MS = 5_000;

/**
 * Writes one key through gateway A, again and again, and after each write returns polls a second reader
 * holding the key in its near cache — gateway B (near cache on), then the SDK's own near cache — until it
 * answers the new value. The staleness is the time from the write's answer to the start of the first read
 * that saw the new value: until then, a read started there could still be answered the old one. (How long
 * that read then took is the reader's latency, not staleness; it is reported beside, as `answeredP99Ms`.)
 * Each owner announces the write on its invalidation stream before it answers; the reader's copy goes when
 * the announcement arrives.
 */
export async function stalenessRows(context: BenchContext): Promise<StalenessRow[]> {
  const writes = context.settings.quick ? 50 : 300;
  const rows = [
    { id: 'staleness-gateway', name: 'gateway B near cache, after a PUT through gateway A returned' },
    { id: 'staleness-sdk', name: 'SDK near cache, after a PUT through gateway A returned' },
  ];
  let cluster: TestCluster | undefined;
  let client: RingcacheClient | undefined;
  try {
    context.progress('staleness: 3 nodes, two gateways with near caches, an SDK with one');
    cluster = await startBenchCluster(context, { transport: 'http' });
    const writer = await addNearGateway(cluster, 'gateway-a', GATEWAY_NEAR_BYTES.on);
    const reader = await addNearGateway(cluster, 'gateway-b', GATEWAY_NEAR_BYTES.on);
    client = new RingcacheClient({
      nodes: cluster.staticNodes.map(({ name, grpc, http }) => ({ name, grpc, http })),
      transport: 'http',
      nearCache: { maxBytes: 1 << 20 },
    });
    await client.ready();
    const sdk = client;
    const viaGateway = (value: string) => async () => (await read(reader, keyName(0))) === value;
    const viaSdk = (value: string) => async () =>
      (await sdk.get(BENCH_GROUP, keyName(0)))?.toString() === value;
    return [
      await measure(context, rows[0], writer, writes, viaGateway),
      await measure(context, rows[1], writer, writes, viaSdk),
    ];
  } catch (error) {
    context.progress(`staleness failed: ${failureDetail(error)}`);
    return rows.map((row) => ({ ...row, status: 'failed', notes: [failureNote(error)] }));
  } finally {
    await client?.close();
    await cluster?.stop();
  }
}

async function measure(
  context: BenchContext,
  row: { id: string; name: string },
  writer: GatewayHandle,
  writes: number,
  sees: (value: string) => () => Promise<boolean>,
): Promise<StalenessRow> {
  context.progress(`staleness: ${row.name}, ${writes} writes`);
  const key = keyName(0);
  // The reader holds the key: every later write must take its copy away.
  await sees('never')();
  await sees('never')();
  const delays: number[] = [];
  const answered: number[] = [];
  let ownWriteMisses = 0;
  for (let i = 0; i < writes; i++) {
    const value = `${row.id}-${i}`;
    const put = await fetch(`${writer.url}${KEY_PATH_PREFIX}${key}`, { method: 'PUT', body: value });
    if (put.status !== 200) throw new Error(`PUT answered ${put.status}`);
    const returned = performance.now();
    // The writer's own next read, started at once, beside the other reader's polling.
    const own = read(writer, key);
    const seen = sees(value);
    for (;;) {
      // A read the SDK's near cache answers is all microtasks: polling without yielding to the event loop
      // would never let the invalidation in, and would measure nothing but its own loop until it gave up.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const started = performance.now();
      if (await seen()) {
        delays.push(started - returned);
        answered.push(performance.now() - returned);
        break;
      }
      if (started - returned > GIVE_UP_MS) throw new Error(`${value} not seen after ${GIVE_UP_MS} ms`);
    }
    if ((await own) !== value) ownWriteMisses++;
  }
  delays.sort((a, b) => a - b);
  answered.sort((a, b) => a - b);
  const at = (q: number, sorted = delays) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 100) / 100;
  return {
    ...row,
    status: 'measured',
    writes,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: at(1),
    answeredP99Ms: at(0.99, answered),
    ownWriteMisses,
    notes: [],
  };
}

async function read(gateway: GatewayHandle, key: string): Promise<string> {
  return (await fetch(`${gateway.url}${KEY_PATH_PREFIX}${key}`)).text();
}
