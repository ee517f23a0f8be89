import { EtcdCluster, type TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { BENCH_GROUP, KEY_PATH_PREFIX, keyName } from '../data/keys';
import { onInterrupt } from '../env/cleanup';
import type { Target } from '../load/load-spec';
import { failureDetail, failureNote } from '../report/failure';
import { startBaselineServer, type BaselineServer } from '../servers/start-server';
import { clusterPids, GATEWAY_NEAR_BYTES, startBenchCluster } from './bench-cluster';
import { measureRow, unmeasuredRow, warmWrites, type HttpRow } from './http-row';
import { pairRowTargets } from './paired';
import { WRITE_VALUE } from './redis-front.scenario';

type RowBase = Pick<HttpRow, 'id' | 'name' | 'kind' | 'keys'>;

/** PeerCopies' window after a ring change in which every write fans out to every node (10 s), plus 1 s. */
const RING_CHANGE_WINDOW_MS = 11_000;

/** Entries in one batchSet request of the batch row. */
const BATCH_ENTRIES = 100;

const KEYS = { kind: 'uniform', prefix: KEY_PATH_PREFIX, keys: 10_000 } as const;
const PUT = { method: 'PUT', body: WRITE_VALUE, contentType: 'application/octet-stream' } as const;
const PUT_TTL: Target = { ...KEYS, ...PUT, query: '?ttl=60s' };
const DELETE: Target = { ...KEYS, method: 'DELETE' };

/** What each write front takes, unmeasured, before its rows (warmWrites): a PUT with a TTL, a DELETE. */
const WARM_UP: Target[] = [PUT_TTL, DELETE];

type Transport = 'grpc' | 'http';

/** The batch row's body: BATCH_ENTRIES distinct keys (the same ones each time: the rate is of the path). */
const BATCH_TARGET: Target = {
  kind: 'one',
  path: `/api/v1/groups/${BENCH_GROUP}/keys:batchSet`,
  method: 'POST',
  body: batchBody(),
  contentType: 'application/json',
};

/**
 * The gateway's write rows over `transport`, as the issue names them (1 KiB, 10,000 keys, 3 nodes on etcd):
 * over gRPC with the ids the targets started with, over HTTP peers (frames) with `-http` after `gateway`.
 */
function gatewayRows(transport: Transport): [RowBase, Target][] {
  const id = (what: string) =>
    transport === 'grpc' ? `write-gateway-${what}` : `write-gateway-http-${what}`;
  const via = transport === 'grpc' ? 'gRPC' : 'HTTP';
  const rows: [RowBase, Target][] = [
    [row(id('set-ttl'), `gateway (${via} peers), PUT 1 KiB ?ttl=60s`), PUT_TTL],
    [row(id('delete'), `gateway (${via} peers), DELETE`), DELETE],
    [
      row(
        id('batchset'),
        `gateway (${via} peers), keys:batchSet of ${BATCH_ENTRIES} × 1 KiB ?ttl=60s (entries/s)`,
      ),
      BATCH_TARGET,
    ],
  ];
  // The PUT without a TTL: once, to show what the delay queue adds.
  if (transport === 'grpc')
    rows.splice(1, 0, [row(id('set'), `gateway (${via} peers), PUT 1 KiB, no TTL`), { ...KEYS, ...PUT }]);
  return rows;
}

/** The SDK front's write rows: `client.set` and `client.delete` in a node:http service. */
const SDK_ROWS: [RowBase, Target][] = [
  [row('write-sdk-set-ttl', 'SDK front (HTTP), set 1 KiB ttl 60s'), PUT_TTL],
  [row('write-sdk-delete', 'SDK front (HTTP), delete'), DELETE],
];

function row(id: string, what: string): RowBase {
  return {
    id,
    name: `ringcache ${what}, 3 nodes on etcd, 10,000 keys uniform`,
    kind: 'ringcache',
    keys: 'uniform',
  };
}

/** One batchSet body. */
function batchBody(): string {
  const value = Buffer.from(WRITE_VALUE).toString('base64');
  const entries = Array.from({ length: BATCH_ENTRIES }, (_, i) => ({ key: keyName(i), value, ttl: '60s' }));
  return JSON.stringify({ entries });
}

/**
 * Writes through ringcache — the gateway and the SDK — on 3 nodes, a gateway and a ttl-worker on one etcd
 * member (so a TTL also goes to the delay queue), beside the Redis front's SET EX and DEL of the same run:
 * the gateway's rows over gRPC peers and then, on a cluster of its own, over HTTP peers; the SDK's over HTTP.
 */
export async function writeRows(context: BenchContext): Promise<HttpRow[]> {
  context.progress('writes: starting etcd');
  const etcd = await EtcdCluster.start(1);
  onInterrupt(() => etcd.stop());
  try {
    return [...(await transportRows(context, etcd, 'grpc')), ...(await transportRows(context, etcd, 'http'))];
  } finally {
    await etcd.stop();
  }
}

/** The rows of one cluster on `transport`: the gateway's, and with gRPC the SDK front's too. */
async function transportRows(
  context: BenchContext,
  etcd: EtcdCluster,
  transport: Transport,
): Promise<HttpRow[]> {
  const gatewayRowsHere = gatewayRows(transport);
  const all = transport === 'grpc' ? [...gatewayRowsHere, ...SDK_ROWS] : gatewayRowsHere;
  context.progress(`writes: 3 nodes (${transport} peers), a gateway and a ttl-worker`);
  let cluster: TestCluster | undefined;
  let front: BaselineServer | undefined;
  try {
    cluster = await startBenchCluster(context, {
      transport,
      etcd: { endpoints: etcd.endpoints, cluster: `bench-${transport}` },
      // The gateway's default near cache: the invalidations it is sent are part of what a write costs.
      env: { RINGCACHE_GATEWAY_NEAR_CACHE_BYTES: String(GATEWAY_NEAR_BYTES.on) },
    });
    const readyAt = Date.now();
    await cluster.addTtlWorker();
    const gateway = cluster.gateway as NonNullable<TestCluster['gateway']>;
    const pids = [...clusterPids(cluster), ...cluster.ttlWorkers.map((w) => w.process.pid)];
    // For RING_CHANGE_WINDOW_MS after a ring change (a cluster's start is one) every write also tells
    // every other node to drop the key, since copies made under the old ring may exist: a transient, so
    // the rows measure the steady state after it, as a service that has been up a while sees it.
    const wait = readyAt + RING_CHANGE_WINDOW_MS - Date.now();
    if (wait > 0) {
      context.progress(
        `writes: waiting ${Math.ceil(wait / 1000)} s for the start's wide fan-out window to pass`,
      );
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const rows: HttpRow[] = [];
    await warmWrites(context, gateway.url, WARM_UP);
    // The batch row's baseline is the single PUT with a TTL, through the same gateway.
    const [singleBase] = gatewayRowsHere[0];
    const single = { [singleBase.id]: { origin: gateway.url, target: PUT_TTL } };
    for (const [base, target] of gatewayRowsHere) {
      const row = await measureRow(context, base, gateway.url, target, pids);
      if (target === BATCH_TARGET) row.perRequest = BATCH_ENTRIES;
      await pairRowTargets(context, row, { origin: gateway.url, target, perRequest: row.perRequest }, single);
      rows.push(row);
    }
    if (transport === 'http') return rows;
    front = await startBaselineServer('sdk-front-writes', 'sdk-front.server.js', {
      ETCD_ENDPOINTS: etcd.endpoints.join(','),
      CLUSTER: `bench-${transport}`,
      TRANSPORT: 'http',
      NEAR_BYTES: '0',
    });
    await warmWrites(context, front.origin, WARM_UP);
    for (const [base, target] of SDK_ROWS)
      rows.push(await measureRow(context, base, front.origin, target, [front.process.pid, ...pids]));
    return rows;
  } catch (error) {
    context.progress(`writes (${transport} peers) failed: ${failureDetail(error)}`);
    return all.map(([base]) => unmeasuredRow(base, 'failed', failureNote(error)));
  } finally {
    await front?.process.stop('SIGTERM', 5_000);
    await cluster?.stop();
  }
}
