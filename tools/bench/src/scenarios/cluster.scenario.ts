import type { TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { failureDetail, failureNote } from '../report/failure';
import { startBenchCluster } from './bench-cluster';
import { gatewayRowId, gatewayRows } from './gateway.scenario';
import { unmeasuredRow, type HttpRow } from './http-row';
import { sdkRows } from './sdk.scenario';
import { stampedeRow, type StampedeRow } from './stampede.scenario';

/**
 * What one cluster produced: its two gateway rows (and, for gRPC peers, the SDK rows over gRPC and over
 * HTTP) and its cold stampede.
 */
export interface ClusterRows {
  http: HttpRow[];
  stampede: StampedeRow;
}

/**
 * One 3-node cluster with `transport` peers over the run's SQLite file: the warm gateway rows (then, with
 * gRPC peers, the SDK rows), then the
 * cold stampede for `keyName(coldIndex)`. A cluster that fails yields failed rows that say why, so the
 * rest of the suite still runs.
 */
export async function clusterRows(
  context: BenchContext,
  transport: 'grpc' | 'http',
  coldIndex: number,
): Promise<ClusterRows> {
  const label = transport === 'grpc' ? 'gRPC' : 'HTTP';
  const stampedeId = `stampede-${transport}-sqlite`;
  const stampedeName = `${label} peers, SQLite`;
  let cluster: TestCluster | undefined;
  try {
    context.progress(`starting 3 nodes + gateway, ${label} peers`);
    cluster = await startBenchCluster(context, { transport });
    const http = await gatewayRows(context, cluster, transport);
    // The SDK calls the nodes directly, over gRPC or HTTP whatever the nodes' own peer transport: measured
    // once, on the gRPC cluster, warm from the gateway rows.
    if (transport === 'grpc') http.push(...(await sdkRows(context, cluster)));
    const stampede = await stampedeRow(context, cluster, stampedeId, stampedeName, coldIndex);
    return { http, stampede };
  } catch (error) {
    context.progress(`${label} cluster failed: ${failureDetail(error)}`);
    const failed = (keys: 'hot' | 'uniform') =>
      unmeasuredRow(
        {
          id: gatewayRowId(transport, 'off', keys),
          name: `ringcache gateway, 3 nodes, ${label} peers, near cache off, ${keys === 'hot' ? 'hot key' : '10,000 keys uniform'}`,
          kind: 'ringcache',
          keys,
        },
        'failed',
        failureNote(error),
      );
    const requests = context.settings.stampede;
    return {
      http: [failed('hot'), failed('uniform')],
      stampede: {
        id: stampedeId,
        name: stampedeName,
        status: 'failed',
        requests,
        notes: [failureNote(error)],
      },
    };
  } finally {
    await cluster?.stop();
  }
}
