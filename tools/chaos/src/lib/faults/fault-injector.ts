import { scrapeMetrics, sleep, sumMetric } from '@ringcache/testing';

import type { ChaosCluster } from '../cluster/chaos-cluster';
import type { FaultKind, PlannedFault } from './fault-plan';

/** A fault as it happened, on the history's clock. */
export interface FaultRecord {
  kind: FaultKind;
  /** What it hit: a node, an etcd member, mariadbd, a ttl-worker. */
  target: string;
  start: number;
  /** When the recovery was done (restarted and ready, resumed, healed). */
  recoveredAt: number;
  /** Set when the fault could not be injected or recovered from. */
  error?: string;
}

/** Injects one fault and recovers from it, resolving when the recovery is done. */
export async function injectFault(
  fault: PlannedFault,
  chaos: ChaosCluster,
  now: () => number,
): Promise<FaultRecord> {
  const start = now();
  let target = fault.target ?? '';
  try {
    target = await run(fault, chaos, (name) => (target = name));
    return { kind: fault.kind, target, start, recoveredAt: now() };
  } catch (error) {
    return { kind: fault.kind, target, start, recoveredAt: now(), error: (error as Error).message };
  }
}

/** Does the fault; `hit` names the target as soon as it is known. Resolves with the target's name. */
async function run(fault: PlannedFault, chaos: ChaosCluster, hit: (name: string) => void): Promise<string> {
  const { cluster, etcd, db } = chaos;
  switch (fault.kind) {
    case 'node-kill': {
      const node = cluster.node(fault.target as string);
      await node.process.kill();
      await sleep(fault.holdMs);
      await cluster.restartNode(node.name);
      return node.name;
    }
    case 'node-stop': {
      const node = cluster.node(fault.target as string);
      node.process.signal('SIGSTOP');
      try {
        await sleep(fault.holdMs);
      } finally {
        node.process.signal('SIGCONT');
      }
      return node.name;
    }
    case 'etcd-leader-kill': {
      const leader = await etcd.leader();
      hit(leader.name);
      await etcd.kill(leader);
      await sleep(fault.holdMs);
      await etcd.restart(leader);
      return leader.name;
    }
    case 'etcd-stop': {
      await Promise.all(etcd.members.map((m) => etcd.kill(m)));
      await sleep(fault.holdMs);
      // Every member at once: one alone has no quorum and would never report healthy.
      await Promise.all(etcd.members.map((m) => etcd.restart(m)));
      return 'etcd';
    }
    case 'mariadb-stop': {
      await db.stop();
      await sleep(fault.holdMs);
      await db.restart();
      return 'mariadbd';
    }
    case 'node-blackhole': {
      chaos.proxied.cut('hold');
      try {
        await sleep(fault.holdMs);
      } finally {
        chaos.proxied.heal();
      }
      return chaos.proxied.node.name;
    }
    case 'ttl-worker-kill': {
      const worker = await leadingWorker(chaos);
      hit(worker.name);
      await worker.process.kill();
      await sleep(fault.holdMs);
      await cluster.addTtlWorker(worker.name);
      return worker.name;
    }
  }
}

/** The ttl-worker that leads now (its `ringcache_ttl_worker_leader` gauge is 1). */
async function leadingWorker(chaos: ChaosCluster) {
  for (const worker of chaos.cluster.ttlWorkers.filter((w) => w.process.alive)) {
    const samples = await scrapeMetrics(`${worker.url}/metrics`).catch(() => []);
    if (sumMetric(samples, 'ringcache_ttl_worker_leader') === 1) return worker;
  }
  throw new Error('no ttl-worker leads');
}
