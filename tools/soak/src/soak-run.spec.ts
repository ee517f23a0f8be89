import { judgeRun } from './soak-run';
import type { Series } from './series-rules';
import type { LoadTally } from './soak-load';
import { parseSoakOptions } from './soak-options';

const options = parseSoakOptions(['--duration', '120s', '--interval', '5s']);

/** Flat descriptors of one node, sampled every 5 s for 100 s, plus `extra`. */
function samplerWith(cachesFullAtS: number | undefined, exited: string[] = [], extra: Series[] = []) {
  const fds: Series = {
    process: 'node1',
    kind: 'fds',
    points: Array.from({ length: 21 }, (_, i) => ({ t: i * 5, v: 40 })),
  };
  return { all: () => [fds, ...extra], exited: new Set(exited), cachesFullAtS, misses: [] };
}

const load = (ok: number, errors: number, notFound = 10): LoadTally => ({
  byKind: { 'gateway-get': { ok, notFound, errors } },
  skipped: 0,
  firstErrors: [],
});

describe('judgeRun', () => {
  it('passes a steady run, judged after the warm-up', () => {
    const result = judgeRun(options, 'now', 100, samplerWith(30), load(1_000, 0));
    expect(result.ok).toBe(true);
    expect(result.warmUpEndS).toBe(60);
    expect(result.checks.every((c) => c.ok)).toBe(true);
  });

  it('fails a run whose caches never filled', () => {
    const result = judgeRun(options, 'now', 100, samplerWith(undefined), load(1_000, 0));
    expect(result.ok).toBe(false);
    expect(result.checks.find((c) => c.name === 'caches full')?.ok).toBe(false);
  });

  it('fails a run in which a process exited', () => {
    const result = judgeRun(options, 'now', 100, samplerWith(30, ['node2']), load(1_000, 0));
    expect(result.ok).toBe(false);
    expect(result.checks.find((c) => c.name === 'every process alive')?.detail).toBe('exited: node2');
  });

  it('fails a run with more than 1 % of operations failing, or none at all', () => {
    expect(judgeRun(options, 'now', 100, samplerWith(30), load(1_000, 9)).ok).toBe(true);
    expect(judgeRun(options, 'now', 100, samplerWith(30), load(1_000, 12)).ok).toBe(false);
    expect(judgeRun(options, 'now', 100, samplerWith(30), load(0, 0, 0)).ok).toBe(false);
  });

  it('fails a run in which one series grows', () => {
    const leaking: Series = {
      process: 'gateway',
      kind: 'sockets',
      points: Array.from({ length: 21 }, (_, i) => ({ t: i * 5, v: 20 + i })),
    };
    const result = judgeRun(options, 'now', 100, samplerWith(30, [], [leaking]), load(1_000, 0));
    expect(result.ok).toBe(false);
    expect(result.judgements.filter((j) => j.verdict === 'fail').map((j) => j.process)).toEqual(['gateway']);
  });
});
