import type { TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { HOT_TARGET, KEY_PATH_PREFIX } from '../data/keys';
import { failureDetail, failureNote } from '../report/failure';
import { startBaselineServer, type BaselineServer } from '../servers/start-server';
import { clusterPids, loadsSoFar } from './bench-cluster';
import { measureRow, unmeasuredRow, type HttpRow } from './http-row';
import { pairRowTargets } from './paired';

/** The SDK's transports, each measured with its own front. */
const TRANSPORTS = [
  { transport: 'grpc', label: 'gRPC' },
  { transport: 'http', label: 'HTTP' },
] as const;

type RowBase = Pick<HttpRow, 'id' | 'name' | 'kind' | 'keys'>;

/** Near cache of the fronts that have one: the whole working set fits. */
const NEAR_BYTES = 32 * 2 ** 20;

/** The hot and uniform rows of the front whose SDK uses `transport`, with or without a near cache. */
function rowsOf(transport: 'grpc' | 'http', label: string, near: boolean): [RowBase, RowBase] {
  const name = `ringcache SDK front (node:http + libs/client, ${label}, ${near ? 'near cache 32 MiB' : 'no near cache'}), 3 nodes`;
  const id = `sdk-${transport}${near ? '-near' : ''}`;
  return [
    { id: `${id}-hot`, name: `${name}, hot key`, kind: 'ringcache', keys: 'hot' },
    { id: `${id}-uniform`, name: `${name}, 10,000 keys uniform`, kind: 'ringcache', keys: 'uniform' },
  ];
}

/**
 * ringcache through the SDK: a node:http front that answers with `RingcacheClient.get` — the Redis
 * cache-aside front with the SDK in place of ioredis — against a warm cluster (its keys already loaded
 * through the gateway). Without a near cache every get is a hop (batched per owner) to the key's owner,
 * over gRPC with one front and over HTTP with another (the nodes serve both); with the SDK's near cache,
 * repeated reads stay in the front. The front's process counts as a server process, as the Redis front's.
 */
export async function sdkRows(context: BenchContext, cluster: TestCluster): Promise<HttpRow[]> {
  const rows: HttpRow[] = [];
  for (const { transport, label } of TRANSPORTS) {
    for (const near of [false, true])
      rows.push(...(await frontRows(context, cluster, transport, label, near)));
  }
  return rows;
}

/** The two rows of one SDK front; failed rows that say why if the front does not start or breaks. */
async function frontRows(
  context: BenchContext,
  cluster: TestCluster,
  transport: 'grpc' | 'http',
  label: string,
  near: boolean,
): Promise<HttpRow[]> {
  const [hot, uniform] = rowsOf(transport, label, near);
  let server: BaselineServer | undefined;
  try {
    server = await startBaselineServer(
      `sdk-front-${transport}${near ? '-near' : ''}`,
      'sdk-front.server.js',
      {
        NODES: JSON.stringify(cluster.staticNodes.map(({ name, grpc, http }) => ({ name, grpc, http }))),
        TRANSPORT: transport,
        NEAR_BYTES: near ? String(NEAR_BYTES) : '0',
      },
    );
    const pids = [server.process.pid, ...clusterPids(cluster)];
    const rows: HttpRow[] = [];
    for (const [base, target] of [
      [hot, HOT_TARGET],
      [uniform, { kind: 'uniform', prefix: KEY_PATH_PREFIX, keys: context.settings.keys }],
    ] as const) {
      const before = await loadsSoFar(cluster);
      const row = await measureRow(context, base, server.origin, target, pids);
      const loadsDuring = (await loadsSoFar(cluster)) - before;
      if (loadsDuring > 0) row.notes.push(`${loadsDuring} database loads while measured: not all warm`);
      await pairRowTargets(context, row, { origin: server.origin, target });
      rows.push(row);
    }
    return rows;
  } catch (error) {
    context.progress(`SDK front (${label}) failed: ${failureDetail(error)}`);
    return [hot, uniform].map((row) => unmeasuredRow(row, 'failed', failureNote(error)));
  } finally {
    await server?.process.stop('SIGTERM', 5_000);
  }
}
