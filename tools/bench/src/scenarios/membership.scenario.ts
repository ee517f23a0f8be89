import { EtcdCluster, sleep, startCluster, type TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { onInterrupt } from '../env/cleanup';
import { median } from '../measure';
import { profilingEnv } from './bench-cluster';

/** Time from a signal to a node to every other process having dropped it from its ring. */
export interface ConvergenceRow {
  signal: 'SIGTERM' | 'SIGKILL';
  /** Each round's time, ms. */
  roundsMs: number[];
  medianMs?: number;
  leaseTtlSeconds: number;
  status: 'measured' | 'failed';
  notes: string[];
}

/** Polls every live process's ring until none lists `name`; the elapsed ms. */
async function untilGone(
  cluster: TestCluster,
  name: string,
  since: number,
  timeoutMs: number,
): Promise<number> {
  const urls = [
    ...cluster.nodes.filter((n) => n.process.alive && n.name !== name).map((n) => `${n.url}/cluster`),
    ...(cluster.gateway ? [`${cluster.gateway.url}/api/v1/cluster`] : []),
  ];
  while (Date.now() - since < timeoutMs) {
    const views = await Promise.all(
      urls.map(
        async (url) =>
          (await (await fetch(url, { signal: AbortSignal.timeout(2_000) })).json()) as {
            members: { name: string }[];
          },
      ),
    );
    if (views.every((v) => !v.members.some((m) => m.name === name))) return Date.now() - since;
    await sleep(5);
  }
  throw new Error(`${name} still on a ring after ${timeoutMs} ms`);
}

/**
 * On a 3-node cluster (plus gateway) registered in one etcd member: SIGTERM a node (it revokes its lease:
 * expected well under a second) and SIGKILL a node (its lease must expire: expected up to the lease TTL),
 * measuring until every other process's ring has dropped it; a replacement joins between rounds.
 */
export async function membershipRows(context: BenchContext): Promise<ConvergenceRow[]> {
  const leaseTtlSeconds = 5;
  const rounds = context.settings.quick ? 1 : 3;
  const rows: ConvergenceRow[] = (['SIGTERM', 'SIGKILL'] as const).map((signal) => ({
    signal,
    roundsMs: [],
    leaseTtlSeconds,
    status: 'measured',
    notes: [],
  }));
  context.progress('membership: starting etcd and a 3-node cluster');
  const etcd = await EtcdCluster.start(1);
  onInterrupt(() => etcd.stop());
  let cluster: TestCluster | undefined;
  try {
    cluster = await startCluster({
      etcd: { endpoints: etcd.endpoints, leaseTtlSeconds },
      env: profilingEnv(),
    });
    onInterrupt(() => cluster?.stop());
    let spare = 0;
    for (let round = 0; round < rounds; round++) {
      for (const row of rows) {
        context.progress(`membership: ${row.signal}, round ${round + 1} of ${rounds}`);
        const victim = await cluster.addNode(`spare${spare++}`);
        // Let every process see the newcomer first.
        await sleep(200);
        const sent = Date.now();
        victim.process.signal(row.signal);
        row.roundsMs.push(await untilGone(cluster, victim.name, sent, (leaseTtlSeconds + 10) * 1_000));
        await victim.process.stop('SIGKILL', 0);
      }
    }
    for (const row of rows) row.medianMs = median(row.roundsMs);
  } catch (error) {
    for (const row of rows) {
      row.status = 'failed';
      row.notes.push((error as Error).message);
    }
  } finally {
    await cluster?.stop();
    await etcd.stop();
  }
  return rows;
}
