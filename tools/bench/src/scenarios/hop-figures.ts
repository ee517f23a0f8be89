import { median } from '../measure';

/** What one measured round of calls cost: CPU of the calling process and of the node, and wall time. */
export interface HopRound {
  calls: number;
  clientCpuSec: number;
  serverCpuSec: number;
  wallSec: number;
}

/** A row's figures: medians over its rounds, in µs of CPU per call (client, server, both) and calls/s. */
export interface HopFigures {
  rounds: number;
  clientUs: number;
  serverUs: number;
  totalUs: number;
  /** The total over the keys of one call: equal to totalUs for a call of one key. */
  perKeyUs: number;
  callsPerSec: number;
}

/**
 * The figures of `rounds` of calls of `keysPerCall` keys each. Each figure is its own median over the
 * rounds (a round's client and server CPU are read around the same calls, but a slow moment of the host can
 * hit one more than the other); totalUs is the median of the rounds' totals, not the sum of the two medians.
 */
export function hopFigures(rounds: HopRound[], keysPerCall: number): HopFigures {
  if (rounds.length === 0) throw new Error('hop figures need at least one round');
  if (!Number.isInteger(keysPerCall) || keysPerCall < 1)
    throw new Error(`keys per call must be a positive integer, got ${keysPerCall}`);
  for (const round of rounds)
    if (!(round.calls > 0) || !(round.wallSec > 0))
      throw new Error(`a round needs calls and wall time, got ${round.calls} calls in ${round.wallSec} s`);
  const perCall = (seconds: (r: HopRound) => number) =>
    median(rounds.map((r) => (seconds(r) * 1e6) / r.calls));
  const totalUs = perCall((r) => r.clientCpuSec + r.serverCpuSec);
  return {
    rounds: rounds.length,
    clientUs: perCall((r) => r.clientCpuSec),
    serverUs: perCall((r) => r.serverCpuSec),
    totalUs,
    perKeyUs: totalUs / keysPerCall,
    callsPerSec: median(rounds.map((r) => r.calls / r.wallSec)),
  };
}

/** Calls for a measured round that should last about `targetSec`, from a warm-up of `calls` in `wallSec`. */
export function callsForRound(calls: number, wallSec: number, targetSec: number, least: number): number {
  if (!(calls > 0) || !(wallSec > 0)) return least;
  return Math.max(least, Math.round((calls / wallSec) * targetSec));
}
