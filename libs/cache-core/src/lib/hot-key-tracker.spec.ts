import { InvalidArgumentError } from './errors';
import { HotKeyTracker } from './hot-key-tracker';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

/** A deterministic pseudo-random source (mulberry32), so streams are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('HotKeyTracker', () => {
  it('counts exactly while every key has a counter', () => {
    const clock = manualClock();
    const tracker = new HotKeyTracker({ capacity: 8, now: clock.now });
    for (let i = 0; i < 50; i++) tracker.record('Tom');
    for (const key of ['Jack', 'Sam', 'Jack']) tracker.record(key);
    expect(tracker.top(10)).toEqual([
      { key: 'Tom', count: 50, rate: 50 / 60, error: 0 },
      { key: 'Jack', count: 2, rate: 2 / 60, error: 0 },
      { key: 'Sam', count: 1, rate: 1 / 60, error: 0 },
    ]);
    expect(tracker.top(1).map((h) => h.key)).toEqual(['Tom']);
    expect(tracker.total).toBe(53);
  });

  /** 5 hot keys take half of 100,000 requests; the rest spread over 20,000 keys. */
  function skewedStream(tracker: HotKeyTracker): Map<string, number> {
    const random = seeded(7);
    const truth = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) {
      const key = random() < 0.5 ? `hot-${i % 5}` : `cold-${Math.floor(random() * 20_000)}`;
      truth.set(key, (truth.get(key) ?? 0) + 1);
      tracker.record(key);
    }
    return truth;
  }

  it('finds the heavy hitters among many more keys than counters, never underestimating them', () => {
    const tracker = new HotKeyTracker({ capacity: 64, admission: 1, now: manualClock().now });
    const truth = skewedStream(tracker);
    const top = tracker.top(5);
    expect(top.map((h) => h.key).sort()).toEqual(['hot-0', 'hot-1', 'hot-2', 'hot-3', 'hot-4']);
    for (const hit of top) {
      const actual = truth.get(hit.key) ?? 0;
      expect(hit.count).toBeGreaterThanOrEqual(actual);
      expect(hit.count - hit.error).toBeLessThanOrEqual(actual);
    }
  });

  it('finds them too when newcomers are admitted by sampling, with counts close to the truth', () => {
    const tracker = new HotKeyTracker({
      capacity: 64,
      admission: 1 / 8,
      now: manualClock().now,
      random: seeded(3),
    });
    const truth = skewedStream(tracker);
    const top = tracker.top(5);
    expect(top.map((h) => h.key).sort()).toEqual(['hot-0', 'hot-1', 'hot-2', 'hot-3', 'hot-4']);
    for (const hit of top) {
      const actual = truth.get(hit.key) ?? 0;
      expect(Math.abs(hit.count - actual) / actual).toBeLessThan(0.05);
    }
  });

  it('counts exactly while counters are free, sampling or not', () => {
    const tracker = new HotKeyTracker({ capacity: 4, now: manualClock().now, random: () => 0.99 });
    for (const key of ['a', 'b', 'a', 'c', 'a']) tracker.record(key);
    expect(tracker.top(4).map((h) => [h.key, h.count])).toEqual([
      ['a', 3],
      ['b', 1],
      ['c', 1],
    ]);
    tracker.record('d');
    // Full now: a newcomer that is not sampled is not counted.
    tracker.record('e');
    expect(tracker.top(10).map((h) => h.key)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps at most capacity keys, however many it sees', () => {
    const tracker = new HotKeyTracker({ capacity: 16, now: manualClock().now });
    for (let i = 0; i < 10_000; i++) tracker.record(`key-${i}`);
    expect(tracker.tracked).toBe(16);
    expect(tracker.top(100)).toHaveLength(16);
  });

  it('forgets old traffic: a key hot a few minutes ago yields to one hot now', () => {
    const clock = manualClock();
    const tracker = new HotKeyTracker({ capacity: 8, windowMs: 60_000, now: clock.now });
    for (let i = 0; i < 1_000; i++) tracker.record('yesterday');
    clock.t += 5 * 60_000;
    for (let i = 0; i < 20; i++) tracker.record('now');
    const [first, second] = tracker.top(2);
    expect(first.key).toBe('now');
    expect(second.key).toBe('yesterday');
    // 1,000 × e^-5 ≈ 6.7
    expect(second.count).toBeCloseTo(1_000 * Math.exp(-5), 6);
    clock.t += 60_000;
    expect(tracker.top(1)[0].count).toBeCloseTo(20 * Math.exp(-1), 6);
  });

  it('measures a steady rate as requests per second', () => {
    const clock = manualClock();
    const tracker = new HotKeyTracker({ capacity: 4, windowMs: 10_000, now: clock.now });
    // 5 requests a second for 2 minutes: many windows, so the decayed count settles at rate × window.
    for (let i = 0; i < 600; i++) {
      tracker.record('steady');
      clock.t += 200;
    }
    expect(tracker.top(1)[0].rate).toBeCloseTo(5, 0);
  });

  it('stays accurate across hours of clock time (the landmark moves)', () => {
    const clock = manualClock();
    const tracker = new HotKeyTracker({ capacity: 4, windowMs: 1_000, now: clock.now });
    for (let hour = 0; hour < 3; hour++) {
      for (let s = 0; s < 3_600; s++) {
        tracker.record(hour % 2 === 0 ? 'even' : 'odd');
        clock.t += 1_000;
      }
    }
    const top = tracker.top(2);
    expect(top[0].key).toBe('even');
    expect(Number.isFinite(top[0].count)).toBe(true);
    // One request a second with a 1 s window, read a second after the last: e^-1 + e^-2 + … = 1/(e − 1).
    expect(top[0].count).toBeCloseTo(1 / (Math.E - 1), 3);
    // The odd hour ended an hour ago: nothing left worth reporting.
    expect(top).toHaveLength(1);
  });

  it('does not let a clock that steps back make new requests count for less', () => {
    const clock = manualClock();
    const tracker = new HotKeyTracker({ capacity: 4, now: clock.now });
    tracker.record('a');
    clock.t -= 3_600_000;
    tracker.record('b');
    expect(tracker.top(2).map((h) => h.count)).toEqual([1, 1]);
  });

  it('forgets everything on clear', () => {
    const tracker = new HotKeyTracker({ capacity: 4, now: manualClock().now });
    tracker.record('a');
    tracker.clear();
    expect(tracker.top(10)).toEqual([]);
    tracker.record('b');
    expect(tracker.top(10).map((h) => h.key)).toEqual(['b']);
  });

  it.each([
    [{ capacity: 0 }, 'HotKeyTracker option capacity must be an integer in [1, 65536], got 0'],
    [{ capacity: 1.5 }, 'HotKeyTracker option capacity must be an integer in [1, 65536], got 1.5'],
    [{ windowMs: 0 }, 'HotKeyTracker option windowMs must be a number >= 1, got 0'],
    [{ windowMs: NaN }, 'HotKeyTracker option windowMs must be a number >= 1, got NaN'],
    [{ admission: 0 }, 'HotKeyTracker option admission must be in (0, 1], got 0'],
    [{ admission: 2 }, 'HotKeyTracker option admission must be in (0, 1], got 2'],
  ])('rejects %j at construction', (options, message) => {
    expect(() => new HotKeyTracker(options)).toThrow(new InvalidArgumentError(message));
  });
});
