import type { GatewayHandle, TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { HOT_TARGET, KEY_PATH_PREFIX } from '../data/keys';
import type { Target } from '../load/load-spec';
import { addNearGateway, clusterPids, GATEWAY_NEAR_BYTES, loadsSoFar } from './bench-cluster';
import { coldPasses, withColdPasses } from './cold-passes';
import { measureRow, type HttpRow, type KeyPattern } from './http-row';
import { pairRowTargets } from './paired';

/** How the peers of a cluster talk, as printed. */
const TRANSPORT_NAME = { grpc: 'gRPC', http: 'HTTP' } as const;

/** One gateway row: which gateway (near cache), which keys. */
export interface GatewayRowSpec {
  near: keyof typeof GATEWAY_NEAR_BYTES;
  keys: Exclude<KeyPattern, 'constant'>;
  /** Mutual TLS between gateway and nodes (and between nodes). Default false. */
  tls?: boolean;
}

/**
 * Near cache off first: those rows measure the hop itself. Then a near cache a tenth of the working set
 * (most reads still cross the hop), then the default near cache holding everything (today's rows).
 */
const ROWS: GatewayRowSpec[] = [
  { near: 'off', keys: 'hot' },
  { near: 'off', keys: 'uniform' },
  { near: 'small', keys: 'uniform' },
  { near: 'on', keys: 'hot' },
  { near: 'on', keys: 'uniform' },
];

const NEAR_NAME = {
  off: 'near cache off',
  small: 'near cache 1 MiB (working set 10× it)',
  on: 'near cache 32 MiB',
} as const;

/**
 * ringcache through the gateways of a running 3-node cluster: `cluster.gateway` has no near cache; two more
 * are started with a small and a default one. First the cold passes (cold-passes.ts) through the near-off
 * gateway: passes of 10,000 other keys from the fresh processes on, until the rate settles, then the rows'
 * 10,000 keys, each loaded by its owner (`freshFill` — the first pass — and `coldFill` of the near-off
 * uniform row); then each row is measured warm. A row notes
 * any database load that happened while it was measured: it was not all warm.
 */
export async function gatewayRows(
  context: BenchContext,
  cluster: TestCluster,
  transport: 'grpc' | 'http',
): Promise<HttpRow[]> {
  if (!cluster.gateway) throw new Error('the cluster has no gateway');
  const { keys } = context.settings;
  const label = TRANSPORT_NAME[transport];
  const passes = await coldPasses(context, cluster.gateway.url, `gateway, ${label} peers`);
  const loadsAfterCold = await loadsSoFar(cluster);
  const passed = (passes.warming.length + 1) * keys;
  const loadNotes =
    loadsAfterCold === passed ? [] : [`cold passes: ${loadsAfterCold} loads for ${passed} keys`];
  const gateways: Record<GatewayRowSpec['near'], GatewayHandle> = {
    off: cluster.gateway,
    small: await addNearGateway(cluster, 'gateway-near-small', GATEWAY_NEAR_BYTES.small),
    on: await addNearGateway(cluster, 'gateway-near', GATEWAY_NEAR_BYTES.on),
  };
  const rows: HttpRow[] = [];
  for (const spec of ROWS) {
    const row = await measureGatewayRow(context, cluster, gateways[spec.near], transport, spec);
    rows.push(
      spec.near === 'off' && spec.keys === 'uniform' ? withColdPasses(row, passes, keys, loadNotes) : row,
    );
  }
  return rows;
}

/** The id of a gateway row, e.g. `gateway-http-nearoff-uniform` (`gateway-http-tls-…` with mutual TLS). */
export function gatewayRowId(
  transport: 'grpc' | 'http',
  near: GatewayRowSpec['near'],
  keys: string,
  tls = false,
): string {
  return `gateway-${transport}${tls ? '-tls' : ''}-near${near}-${keys}`;
}

/** Measures one gateway row, warm, then in pairs against the baselines of its targets. */
export async function measureGatewayRow(
  context: BenchContext,
  cluster: TestCluster,
  gateway: GatewayHandle,
  transport: 'grpc' | 'http',
  spec: GatewayRowSpec,
): Promise<HttpRow> {
  const target: Target =
    spec.keys === 'hot'
      ? HOT_TARGET
      : { kind: 'uniform', prefix: KEY_PATH_PREFIX, keys: context.settings.keys };
  const before = await loadsSoFar(cluster);
  const row = await measureRow(
    context,
    {
      id: gatewayRowId(transport, spec.near, spec.keys, spec.tls),
      name:
        `ringcache gateway, 3 nodes, ${TRANSPORT_NAME[transport]} peers${spec.tls ? ' over mutual TLS' : ''}, ` +
        `${NEAR_NAME[spec.near]}, ` +
        (spec.keys === 'hot' ? 'hot key' : '10,000 keys uniform'),
      kind: 'ringcache',
      keys: spec.keys,
    },
    gateway.url,
    target,
    clusterPids(cluster, gateway),
  );
  const loadsDuring = (await loadsSoFar(cluster)) - before;
  if (loadsDuring > 0) row.notes.push(`${loadsDuring} database loads while measured: not all warm`);
  await pairRowTargets(context, row, { origin: gateway.url, target });
  return row;
}
