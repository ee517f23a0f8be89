import { TestCa, type TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { KEY_PATH_PREFIX } from '../data/keys';
import { runLoad } from '../load/run-load';
import { failureDetail, failureNote } from '../report/failure';
import { startBenchCluster } from './bench-cluster';
import { gatewayRowId, measureGatewayRow, type GatewayRowSpec } from './gateway.scenario';
import { unmeasuredRow, type HttpRow } from './http-row';

/** The rows measured with mutual TLS: the hop itself (near cache off), beside their plaintext twins. */
const SPECS: GatewayRowSpec[] = [
  { near: 'off', keys: 'hot', tls: true },
  { near: 'off', keys: 'uniform', tls: true },
];

/**
 * The cost of mutual TLS on the peer hop: a second 3-node cluster with `transport` peers, every process
 * presenting a certificate from a CA made for the run, measured through its near-off gateway as the
 * plaintext rows are. Each row notes its ratio to the plaintext row of the same keys (same run): server CPU
 * per request (gateway and nodes) and req/s.
 */
export async function tlsRows(
  context: BenchContext,
  transport: 'grpc' | 'http',
  plaintext: HttpRow[],
): Promise<HttpRow[]> {
  const label = transport === 'grpc' ? 'gRPC' : 'HTTP';
  let cluster: TestCluster | undefined;
  try {
    context.progress(`starting 3 nodes + gateway, ${label} peers over mutual TLS`);
    const files = TestCa.create(context.workDir, `bench-ca-${transport}`).issue('bench');
    cluster = await startBenchCluster(context, { transport, tls: files });
    const gateway = cluster.gateway;
    if (!gateway) throw new Error('the cluster has no gateway');
    // Warm: every key loaded once by its owner, so the rows measure the hop and not the database.
    const { keys } = context.settings;
    await runLoad(context, {
      mode: 'sweep',
      origin: gateway.url,
      prefix: KEY_PATH_PREFIX,
      from: 0,
      to: keys,
      concurrency: 32,
    });
    const rows: HttpRow[] = [];
    for (const spec of SPECS) {
      const row = await measureGatewayRow(context, cluster, gateway, transport, spec);
      const twin = plaintext.find((r) => r.id === gatewayRowId(transport, spec.near, spec.keys));
      row.notes.push(...ratioNote(row, twin));
      rows.push(row);
    }
    return rows;
  } catch (error) {
    context.progress(`${label} TLS cluster failed: ${failureDetail(error)}`);
    return SPECS.map((spec) =>
      unmeasuredRow(
        {
          id: gatewayRowId(transport, spec.near, spec.keys, true),
          name: `ringcache gateway, 3 nodes, ${label} peers over mutual TLS, near cache off, ${spec.keys}`,
          kind: 'ringcache',
          keys: spec.keys,
        },
        'failed',
        failureNote(error),
      ),
    );
  } finally {
    await cluster?.stop();
  }
}

/** `TLS ÷ plaintext: server CPU per request ×1.31, req/s ×0.82`, or nothing without both numbers. */
export function ratioNote(tls: HttpRow, plain: HttpRow | undefined): string[] {
  const cpuPerRequest = (row: HttpRow) =>
    row.serverCpuPercent !== undefined && row.load && row.load.rps > 0
      ? row.serverCpuPercent / row.load.rps
      : undefined;
  const tlsCpu = cpuPerRequest(tls);
  const plainCpu = plain && cpuPerRequest(plain);
  if (!plain?.load || !tls.load || tlsCpu === undefined || plainCpu === undefined) return [];
  return [
    `TLS ÷ plaintext (${plain.id}): server CPU per request ×${(tlsCpu / plainCpu).toFixed(2)}, ` +
      `req/s ×${(tls.load.rps / plain.load.rps).toFixed(2)}`,
  ];
}
