import type { GroupStats, NodeGroupStats } from '@ringcache/cache-core';

import { SampleHistory } from './sample-history';

/** A group's counters with `gets` hits and misses, `loads` loads and `bytes` held. */
function group(
  name: string,
  c: { hits: number; misses: number; loads: number; bytes: number },
): NodeGroupStats {
  const lru = { hits: 0, misses: 0, evictions: 0, expirations: 0, rejections: 0, bytes: 0, items: 0 };
  const stats = {
    gets: { hit: c.hits, hot: 0, peer: 0, load: c.misses, stale: 0, not_found: 0, error: 0 },
    loads: { ok: c.loads, not_found: 0, error: 0 },
    generation: 1,
    maxBytes: 1_000_000,
    main: { ...lru, bytes: c.bytes, items: 1, evictions: c.loads },
    hot: lru,
  } as unknown as GroupStats;
  return { name, stats };
}

describe('SampleHistory', () => {
  it('turns counters into rates per second between two readings', () => {
    const history = new SampleHistory();
    const first = history.record(0, [
      { node: 'a', groups: [group('g', { hits: 0, misses: 0, loads: 0, bytes: 0 })] },
    ]);
    expect(first.points[0]).toMatchObject({ hitRatio: null, getsPerS: 0, bytes: 0, maxBytes: 1_000_000 });
    const second = history.record(2_000, [
      { node: 'a', groups: [group('g', { hits: 30, misses: 10, loads: 10, bytes: 500 })] },
    ]);
    expect(second.points[0]).toEqual({
      node: 'a',
      group: 'g',
      hitRatio: 0.75,
      getsPerS: 20,
      loadsPerS: 5,
      evictionsPerS: 5,
      items: 1,
      bytes: 500,
      maxBytes: 1_000_000,
    });
  });

  it('counts from zero again after a node restarted', () => {
    const history = new SampleHistory();
    history.record(0, [{ node: 'a', groups: [group('g', { hits: 100, misses: 0, loads: 0, bytes: 0 })] }]);
    const after = history.record(1_000, [
      { node: 'a', groups: [group('g', { hits: 4, misses: 0, loads: 0, bytes: 0 })] },
    ]);
    expect(after.points[0].getsPerS).toBe(4);
  });

  it('keeps at most capacity samples, oldest first, and at most maxPoints points each', () => {
    const history = new SampleHistory({ capacity: 3, maxPoints: 2 });
    const node = (n: string) => ({
      node: n,
      groups: [group('g', { hits: 0, misses: 0, loads: 0, bytes: 0 })],
    });
    for (let t = 1; t <= 5; t++) history.record(t, [node('a'), node('b'), node('c')]);
    expect(history.samples().map((s) => s.t)).toEqual([3, 4, 5]);
    expect(history.samples()[0].points.map((p) => p.node)).toEqual(['a', 'b']);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new SampleHistory({ capacity: 0 })).toThrow(
      'SampleHistory option capacity must be a positive integer, got 0',
    );
  });
});
