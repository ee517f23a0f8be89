import { HashRing } from '@ringcache/consistent-hash';

import { median } from '../measure';

/** How long rebuilding a ring takes (what every process does on each membership change). */
export interface RingRebuildRow {
  members: number;
  vnodes: number;
  /** Median of the runs, ms. */
  medianMs: number;
  runs: number;
}

/** Times `HashRing.set` for 100 and 1,000 members of 160 virtual nodes, alternating two member sets. */
export function ringRebuildRows(quick: boolean): RingRebuildRow[] {
  return [100, 1_000].map((members) => {
    const runs = quick ? 5 : 15;
    const a = Array.from({ length: members }, (_, i) => `node-${i}`);
    const b = [...a.slice(1), `node-${members}`];
    const ring = new HashRing();
    const times: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const started = process.hrtime.bigint();
      ring.set(run % 2 === 0 ? a : b);
      if (run > 0) times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return { members, vnodes: ring.vnodes, medianMs: median(times), runs };
  });
}
