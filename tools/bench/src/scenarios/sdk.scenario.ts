import type { TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { KEY_PATH_PREFIX, keyName } from '../data/keys';
import { failureDetail, failureNote } from '../report/failure';
import { startBaselineServer, type BaselineServer } from '../servers/start-server';
import { clusterPids, loadsSoFar } from './bench-cluster';
import { measureRow, unmeasuredRow, type HttpRow } from './http-row';

const HOT = {
  id: 'sdk-hot',
  name: 'ringcache SDK front (node:http + libs/client), 3 nodes, hot key',
  kind: 'ringcache',
  keys: 'hot',
} as const;
const UNIFORM = {
  id: 'sdk-uniform',
  name: 'ringcache SDK front (node:http + libs/client), 3 nodes, 10,000 keys uniform',
  kind: 'ringcache',
  keys: 'uniform',
} as const;

/**
 * ringcache through the SDK: a node:http front that answers with `RingcacheClient.get` — the Redis
 * cache-aside front with the SDK in place of ioredis — against a warm cluster (its keys already loaded
 * through the gateway). One hop from the front to each key's owner over gRPC; no near cache. The front's
 * process counts as a server process, as the Redis front's does.
 */
export async function sdkRows(context: BenchContext, cluster: TestCluster): Promise<HttpRow[]> {
  let server: BaselineServer | undefined;
  try {
    server = await startBaselineServer('sdk-front', 'sdk-front.server.js', {
      NODES: JSON.stringify(cluster.staticNodes.map(({ name, grpc }) => ({ name, grpc }))),
    });
    const pids = [server.process.pid, ...clusterPids(cluster)];
    const rows: HttpRow[] = [];
    for (const [base, target] of [
      [HOT, { kind: 'one', path: `${KEY_PATH_PREFIX}${keyName(0)}` }],
      [UNIFORM, { kind: 'uniform', prefix: KEY_PATH_PREFIX, keys: context.settings.keys }],
    ] as const) {
      const before = await loadsSoFar(cluster);
      const row = await measureRow(context, base, server.origin, target, pids);
      const loadsDuring = (await loadsSoFar(cluster)) - before;
      if (loadsDuring > 0) row.notes.push(`${loadsDuring} database loads while measured: not all warm`);
      rows.push(row);
    }
    return rows;
  } catch (error) {
    context.progress(`SDK front failed: ${failureDetail(error)}`);
    return [HOT, UNIFORM].map((row) => unmeasuredRow(row, 'failed', failureNote(error)));
  } finally {
    await server?.process.stop('SIGTERM', 5_000);
  }
}
