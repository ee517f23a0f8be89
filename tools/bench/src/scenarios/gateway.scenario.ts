import type { TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { KEY_PATH_PREFIX, keyName } from '../data/keys';
import { runLoad } from '../load/run-load';
import { clusterPids, loadsSoFar } from './bench-cluster';
import { measureRow, type HttpRow } from './http-row';

/** How the peers of a cluster talk, as printed. */
const TRANSPORT_NAME = { grpc: 'gRPC', http: 'HTTP' } as const;

/**
 * ringcache through the gateway of a running 3-node cluster, warm: every one of the 10,000 keys is
 * requested once first (so each is loaded by its owner and cached), then a hot key and 10,000 keys
 * uniform are measured. A row notes any load that happened while it was measured — it was not all warm.
 */
export async function gatewayRows(
  context: BenchContext,
  cluster: TestCluster,
  transport: 'grpc' | 'http',
): Promise<HttpRow[]> {
  const gateway = cluster.gateway;
  if (!gateway) throw new Error('the cluster has no gateway');
  const { keys } = context.settings;
  const label = TRANSPORT_NAME[transport];
  context.progress(`gateway, ${label} peers: warming ${keys} keys`);
  const warm = await runLoad(context, {
    mode: 'sweep',
    origin: gateway.url,
    prefix: KEY_PATH_PREFIX,
    from: 0,
    to: keys,
    concurrency: 32,
  });
  const loadsAfterWarm = await loadsSoFar(cluster);
  const warmNotes = [
    ...(warm.ok === keys ? [] : [`warm-up: only ${warm.ok} of ${keys} keys answered 200`]),
    ...(loadsAfterWarm === keys ? [] : [`warm-up: ${loadsAfterWarm} loads for ${keys} keys`]),
  ];
  const pids = clusterPids(cluster);
  const rows: HttpRow[] = [];
  for (const [keysKind, target] of [
    ['hot', { kind: 'one', path: `${KEY_PATH_PREFIX}${keyName(0)}` }],
    ['uniform', { kind: 'uniform', prefix: KEY_PATH_PREFIX, keys }],
  ] as const) {
    const before = await loadsSoFar(cluster);
    const row = await measureRow(
      context,
      {
        id: `gateway-${transport}-${keysKind}`,
        name: `ringcache gateway, 3 nodes, ${label} peers, ${keysKind === 'hot' ? 'hot key' : '10,000 keys uniform'}`,
        kind: 'ringcache',
        keys: keysKind,
      },
      gateway.url,
      target,
      pids,
    );
    const loadsDuring = (await loadsSoFar(cluster)) - before;
    if (loadsDuring > 0) row.notes.push(`${loadsDuring} database loads while measured: not all warm`);
    rows.push(keysKind === 'uniform' ? { ...row, coldFill: warm, notes: [...warmNotes, ...row.notes] } : row);
  }
  return rows;
}
