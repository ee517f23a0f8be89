import { FAULT_KINDS, planFaults, type FaultPlanOptions } from './fault-plan';

const OPTIONS: FaultPlanOptions = {
  seed: 42,
  count: 14,
  nodes: ['node1', 'node2'],
  proxiedNode: 'node3',
  gapMs: [15_000, 30_000],
};

describe('planFaults', () => {
  it('gives the same plan for the same seed, and another for another seed', () => {
    expect(planFaults(OPTIONS)).toEqual(planFaults(OPTIONS));
    expect(planFaults({ ...OPTIONS, seed: 43 })).not.toEqual(planFaults(OPTIONS));
  });

  it('brings every kind once per round, with targets, holds and gaps in range', () => {
    const plan = planFaults(OPTIONS);
    expect(plan).toHaveLength(14);
    for (const round of [plan.slice(0, 7), plan.slice(7)])
      expect(round.map((f) => f.kind).sort()).toEqual([...FAULT_KINDS].sort());
    for (const fault of plan) {
      expect(fault.gapMs).toBeGreaterThanOrEqual(15_000);
      expect(fault.gapMs).toBeLessThanOrEqual(30_000);
      expect(fault.holdMs).toBeGreaterThanOrEqual(1_000);
      expect(fault.holdMs).toBeLessThanOrEqual(10_000);
      if (fault.kind === 'node-blackhole') expect(fault.target).toBe('node3');
      else if (fault.kind.startsWith('node-')) expect(['node1', 'node2']).toContain(fault.target);
      else expect(fault.target).toBeUndefined();
    }
    expect(plan.filter((f) => f.kind === 'node-stop').every((f) => f.holdMs === 10_000)).toBe(true);
  });

  it('keeps to the given kinds, in order of a seeded shuffle, with short holds when asked', () => {
    const kinds = ['node-kill', 'mariadb-stop'] as const;
    const plan = planFaults({ ...OPTIONS, count: 4, kinds, short: true, gapMs: [5_000, 5_000] });
    expect(plan.map((f) => f.kind).sort()).toEqual([
      'mariadb-stop',
      'mariadb-stop',
      'node-kill',
      'node-kill',
    ]);
    expect(plan.map((f) => f.holdMs).sort()).toEqual([1_000, 1_000, 4_000, 4_000]);
  });
});
