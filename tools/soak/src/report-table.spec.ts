import { formatValue, judgementTable } from './report-table';
import type { Judgement } from './series-rules';

const MiB = 2 ** 20;

describe('formatValue', () => {
  it('shows bytes in MiB and counts as they are, with a sign when asked', () => {
    expect(formatValue('rss', 150.44 * MiB)).toBe('150.4 MiB');
    expect(formatValue('rss', 2 * MiB, true)).toBe('+2.0 MiB');
    expect(formatValue('fds', 61)).toBe('61');
    expect(formatValue('fds', -1.25, true)).toBe('-1.3');
    expect(formatValue('etcd-keys', undefined)).toBe('—');
  });
});

describe('judgementTable', () => {
  const rows: Judgement[] = [
    {
      process: 'node1',
      kind: 'rss',
      budgetBytes: 9 * MiB,
      start: 120 * MiB,
      end: 160 * MiB,
      max: 165 * MiB,
      slopePerHour: 4 * MiB,
      change: 2 * MiB,
      limit: 13.5 * MiB,
      verdict: 'pass',
      rule: 'growth ≤ 1.5× budget',
    },
    {
      process: 'etcd',
      kind: 'etcd-leases',
      budgetBytes: 0,
      start: 4,
      end: 90,
      max: 95,
      slopePerHour: 120,
      change: 60,
      limit: 9,
      verdict: 'fail',
      rule: 'not flat',
    },
    {
      process: 'gateway',
      kind: 'heap-used',
      budgetBytes: 4 * MiB,
      start: 30 * MiB,
      end: 31 * MiB,
      max: 40 * MiB,
      verdict: 'info',
      rule: 'reported',
    },
  ];

  it('has a row per series with its verdict, and a failed rule says so', () => {
    const lines = judgementTable(rows).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      /^\| series +\| start +\| end +\| max +\| slope \/ h +\| change after warm-up +\| limit +\| verdict +\|$/,
    );
    expect(lines[2]).toContain('| node1 RSS ');
    expect(lines[2]).toContain('+2.0 MiB');
    expect(lines[2]).toContain('≤ 13.5 MiB (1.5× budget)');
    expect(lines[2]).toContain('✓ pass');
    expect(lines[3]).toContain('\\|change\\| ≤ 9');
    expect(lines[3]).toContain('✗ FAIL: not flat');
    expect(lines[4]).toMatch(/gateway V8 heap used .*\| info +\|$/);
  });

  it('keeps every line the same width', () => {
    const widths = new Set(
      judgementTable(rows)
        .split('\n')
        .map((l) => [...l].length),
    );
    expect(widths.size).toBe(1);
  });
});
