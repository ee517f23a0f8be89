import { formatChaosReport } from './chaos-report';
import type { ChaosResult } from './run-chaos';

const RESULT: ChaosResult = {
  seed: 42,
  durationMs: 600_000,
  passed: false,
  faults: [
    { kind: 'node-kill', target: 'node1', start: 10_000, recoveredAt: 14_200 },
    { kind: 'etcd-stop', target: 'etcd', start: 40_000, recoveredAt: 51_000, error: 'etcd1 not healthy' },
  ],
  report: {
    operations: 1234,
    errorsInside: 20,
    errorsOutside: 0,
    staleness: { p50: 0, p99: 3.4, max: 120.6, staleReads: 7, writes: 300 },
    longestMs: 3_080.2,
    checks: [
      { name: 'read-your-writes (same entry point)', passed: true, violations: 0, examples: [] },
      {
        name: 'values written or loaded, whole',
        passed: false,
        violations: 1,
        examples: ['#9 gateway1 get p1'],
      },
    ],
  },
};

describe('formatChaosReport', () => {
  it('prints the run as a markdown table, the faults, and examples of what failed', () => {
    const text = formatChaosReport(RESULT);
    expect(text).toContain('| seed | 42 |');
    expect(text).toContain('| faults | 2: node-kill ×1, etcd-stop ×1 |');
    expect(text).toContain('| errors inside fault windows | 20 |');
    expect(text).toContain(
      '| staleness p50 / p99 / max | 0 ms / 3 ms / 121 ms (7 stale reads, 300 writes) |',
    );
    expect(text).toContain('| longest request | 3080 ms |');
    expect(text).toContain('| check: read-your-writes (same entry point) | passed |');
    expect(text).toContain('| check: values written or loaded, whole | FAILED (1) |');
    expect(text).toContain('| check: faults injected and recovered | FAILED (1) |');
    expect(text).toContain('| result | FAILED |');
    expect(text).toContain('| etcd-stop | etcd | +30.0 s | 11.0 s (etcd1 not healthy) |');
    expect(text).toContain('values written or loaded, whole, e.g.:\n- #9 gateway1 get p1');
  });
});
