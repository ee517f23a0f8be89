import { FuzzRandom } from '@ringcache/testing';

/** The faults a chaos run injects. */
export const FAULT_KINDS = [
  'node-kill', // SIGKILL a cache node, then start it again
  'node-stop', // SIGSTOP a cache node, SIGCONT it later
  'etcd-leader-kill', // SIGKILL the etcd leader, then start it again
  'etcd-stop', // stop every etcd member, then start them again
  'mariadb-stop', // stop the database server, then start it again
  'node-blackhole', // nothing passes to or from a node's ports (the proxies hold every byte)
  'ttl-worker-kill', // SIGKILL the leading ttl-worker, then start it again
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** One fault of the plan: what, on what, how long it lasts, and the quiet gap after its recovery. */
export interface PlannedFault {
  kind: FaultKind;
  /** The node it hits (node faults); other faults find their target when they start (the leader). */
  target?: string;
  /** From the fault to the start of its recovery, ms. */
  holdMs: number;
  /** Quiet time after the recovery, before the next fault, ms. */
  gapMs: number;
}

/** How to plan. */
export interface FaultPlanOptions {
  seed: number;
  /** How many faults to plan (the runner stops starting faults when its time is up). */
  count: number;
  /** The kinds to cycle through, each round in a seeded order. Default all. */
  kinds?: readonly FaultKind[];
  /** Nodes that may be killed or stopped. */
  nodes: readonly string[];
  /** The node behind proxies, for blackholes. */
  proxiedNode: string;
  /** Quiet gap after each recovery: [min, max] ms. */
  gapMs: readonly [number, number];
  /** Compressed holds (short runs): shorter down times, but SIGSTOP, etcd and blackholes still last 10 s. */
  short?: boolean;
}

/** How long each kind lasts before its recovery starts, ms, drawn from the seeded generator. */
function holdFor(kind: FaultKind, random: FuzzRandom, short: boolean): number {
  switch (kind) {
    case 'node-kill':
    case 'etcd-leader-kill':
    case 'ttl-worker-kill':
      return short ? 1_000 : random.int(1_000, 4_000);
    case 'mariadb-stop':
      return short ? 4_000 : random.int(5_000, 10_000);
    case 'node-stop':
    case 'etcd-stop':
    case 'node-blackhole':
      return 10_000;
  }
}

/**
 * A seeded plan of faults, one after the other with quiet gaps between: the same seed gives the same
 * plan. Kinds are cycled so that every kind comes once per round, in an order shuffled per round.
 */
export function planFaults(options: FaultPlanOptions): PlannedFault[] {
  const random = new FuzzRandom(options.seed);
  const kinds = options.kinds ?? FAULT_KINDS;
  const plan: PlannedFault[] = [];
  let round: FaultKind[] = [];
  while (plan.length < options.count) {
    if (round.length === 0) {
      round = [...kinds];
      for (let i = round.length - 1; i > 0; i--) {
        const j = random.int(0, i);
        [round[i], round[j]] = [round[j], round[i]];
      }
    }
    const kind = round.shift() as FaultKind;
    const target =
      kind === 'node-kill' || kind === 'node-stop'
        ? random.pick(options.nodes)
        : kind === 'node-blackhole'
          ? options.proxiedNode
          : undefined;
    const holdMs = holdFor(kind, random, options.short ?? false);
    plan.push({ kind, target, holdMs, gapMs: random.int(options.gapMs[0], options.gapMs[1]) });
  }
  return plan;
}
