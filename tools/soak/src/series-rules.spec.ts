import { judge, warmUpEnd, type Series, type SeriesKind } from './series-rules';
import { after, leastSquares, type Point } from './trend';

const MiB = 2 ** 20;

/** Samples every 5 s for `minutes`, valued by `f(t)`. */
function sampled(minutes: number, f: (t: number) => number): Point[] {
  return Array.from({ length: (minutes * 60) / 5 + 1 }, (_, i) => ({ t: i * 5, v: f(i * 5) }));
}

/** A repeatable jitter in [-1, 1]. */
function jitter(t: number): number {
  return Math.sin(t * 12.9898) % 1;
}

function series(kind: SeriesKind, points: Point[], budgetBytes?: number): Series {
  return { process: 'node1', kind, points, budgetBytes };
}

describe('judge: series that must stay flat', () => {
  it('passes descriptors that wobble around one level', () => {
    const fds = series(
      'fds',
      sampled(30, (t) => 60 + Math.round(2 * jitter(t))),
    );
    expect(judge(fds, 360)).toMatchObject({ verdict: 'pass', start: expect.any(Number) });
  });

  it('flags a descriptor leak of one a minute', () => {
    const fds = series(
      'fds',
      sampled(30, (t) => 60 + Math.floor(t / 60) + Math.round(2 * jitter(t))),
    );
    const judgement = judge(fds, 360);
    expect(judgement.verdict).toBe('fail');
    expect(judgement.slopePerHour).toBeCloseTo(60, -1);
    expect(judgement.change).toBeGreaterThan(20);
  });

  it('flags sockets that leak one every two minutes from a level of 40', () => {
    const sockets = series(
      'sockets',
      sampled(30, (t) => 40 + Math.floor(t / 120)),
    );
    expect(judge(sockets, 360).verdict).toBe('fail');
  });

  it('ignores what grows during warm-up', () => {
    const fds = series(
      'fds',
      sampled(30, (t) => Math.min(60, 20 + t / 5)),
    );
    expect(judge(fds, 360).verdict).toBe('pass');
    expect(judge(fds, 0).verdict).toBe('fail');
  });

  it('flags a count that falls away as well as one that climbs', () => {
    const sockets = series(
      'sockets',
      sampled(30, (t) => 200 - t / 20),
    );
    expect(judge(sockets, 360).verdict).toBe('fail');
  });

  it('flags leases that pile up slowly, and passes a steady number', () => {
    const piling = series(
      'etcd-leases',
      sampled(30, (t) => 64 + Math.floor(t / 120)),
    );
    expect(judge(piling, 360).verdict).toBe('fail');
    const steady = series(
      'etcd-leases',
      sampled(30, (t) => 64 + Math.round(3 * jitter(t))),
    );
    expect(judge(steady, 360).verdict).toBe('pass');
  });

  it('passes etcd keys that follow the load around a level, and flags keys left behind', () => {
    const steady = series(
      'etcd-keys',
      sampled(30, (t) => 3_000 + Math.round(200 * jitter(t))),
    );
    expect(judge(steady, 360).verdict).toBe('pass');
    const leftBehind = series(
      'etcd-keys',
      sampled(30, (t) => 3_000 + t / 3 + Math.round(200 * jitter(t))),
    );
    expect(judge(leftBehind, 360).verdict).toBe('fail');
  });
});

describe('judge: RSS', () => {
  const sawtooth = (t: number) => ((t / 5) % 6) * MiB;

  it('passes growth within 1.5× the budget after warm-up', () => {
    const rss = series(
      'rss',
      sampled(30, (t) => 150 * MiB + (t / 1_800) * 10 * MiB + sawtooth(t)),
      8 * MiB,
    );
    const judgement = judge(rss, 360);
    expect(judgement.verdict).toBe('pass');
    expect(judgement.limit).toBe(12 * MiB);
  });

  it('flags growth past 1.5× the budget under a garbage-collection sawtooth', () => {
    const rss = series(
      'rss',
      sampled(30, (t) => 150 * MiB + (t / 1_800) * 20 * MiB + sawtooth(t)),
      8 * MiB,
    );
    expect(judge(rss, 360).verdict).toBe('fail');
  });

  it('judges RSS on its peaks, so where the run cuts a garbage-collection sawtooth does not decide', () => {
    // A gateway's RSS in a 30-minute soak: level peaks near 235 MiB, troughs near 168 MiB, a cycle of ~4 min.
    const gcCycle = (phase: number) => (t: number) => 168 * MiB + (((t + phase) % 240) / 240) * 67 * MiB;
    const changesThroughEverySample: number[] = [];
    for (const phase of [0, 40, 80, 120, 160, 200]) {
      const rss = series('rss', sampled(30, gcCycle(phase)), 4 * MiB);
      expect(judge(rss, 360)).toMatchObject({ verdict: 'pass', limit: 6 * MiB });
      const judged = after(rss.points, 360);
      const fit = leastSquares(judged) as { slope: number };
      changesThroughEverySample.push(fit.slope * (judged[judged.length - 1].t - judged[0].t));
    }
    // A line through every sample would have failed some of these runs (it moves by more than 6 MiB).
    expect(Math.max(...changesThroughEverySample.map(Math.abs))).toBeGreaterThan(6 * MiB);
  });

  it('flags a leak under a garbage-collection sawtooth: its peaks rise', () => {
    const rss = series(
      'rss',
      sampled(30, (t) => 168 * MiB + ((t % 240) / 240) * 67 * MiB + (t / 1_800) * 12 * MiB),
      4 * MiB,
    );
    expect(judge(rss, 360).verdict).toBe('fail');
  });

  it('judges RSS only once memory has settled, and not at all in a run too short for it', () => {
    // Heaps still growing to their working size in the first five minutes of a ten-minute run, then level.
    const rss = series(
      'rss',
      sampled(10, (t) => 150 * MiB - Math.max(0, 300 - t) * 0.2 * MiB),
      8 * MiB,
    );
    expect(judge(rss, 120).verdict).toBe('fail');
    expect(judge(rss, 120, 300).verdict).toBe('pass');
    const short = series(
      'rss',
      sampled(2, (t) => 100 * MiB + t * MiB),
      8 * MiB,
    );
    expect(judge(short, 60, 300)).toMatchObject({
      verdict: 'info',
      rule: expect.stringMatching(/^not judged/),
    });
    // A leak after the memory warm-up is still caught.
    const leak = series(
      'rss',
      sampled(30, (t) => 150 * MiB + t * 0.02 * MiB),
      8 * MiB,
    );
    expect(judge(leak, 120, 300).verdict).toBe('fail');
  });

  it('does not hold shrinking against a process', () => {
    const rss = series(
      'rss',
      sampled(30, (t) => 300 * MiB - (t / 1_800) * 50 * MiB),
      8 * MiB,
    );
    expect(judge(rss, 360).verdict).toBe('pass');
  });

  it('holds a process without a cache to an RSS that does not grow', () => {
    const leaking = series(
      'rss',
      sampled(30, (t) => 80 * MiB + (t / 1_800) * 20 * MiB),
    );
    expect(judge(leaking, 360).verdict).toBe('fail');
    const steady = series(
      'rss',
      sampled(30, (t) => 80 * MiB + sawtooth(t)),
    );
    expect(judge(steady, 360).verdict).toBe('pass');
    const shrinking = series(
      'rss',
      sampled(30, (t) => 110 * MiB - (t / 1_800) * 20 * MiB),
    );
    expect(judge(shrinking, 360).verdict).toBe('pass');
  });
});

describe('judge: other series', () => {
  it('only reports heap and external memory', () => {
    const heap = series(
      'heap-used',
      sampled(30, (t) => 50 * MiB + t * MiB),
    );
    const judgement = judge(heap, 360);
    expect(judgement.verdict).toBe('info');
    expect(judgement.limit).toBeUndefined();
  });

  it('only reports a series marked so, however it grows', () => {
    const rss = {
      ...series(
        'rss',
        sampled(30, (t) => 100 * MiB + t * MiB),
        2 * MiB,
      ),
      reportOnly: true,
    };
    expect(judge(rss, 360).verdict).toBe('info');
    expect(judge({ ...rss, reportOnly: false }, 360).verdict).toBe('fail');
  });

  it('flags a cache counted past its budget', () => {
    expect(
      judge(
        series(
          'cache-bytes',
          sampled(5, () => 9 * MiB),
          8 * MiB,
        ),
        60,
      ).verdict,
    ).toBe('fail');
    expect(
      judge(
        series(
          'cache-bytes',
          sampled(5, () => 8 * MiB),
          8 * MiB,
        ),
        60,
      ).verdict,
    ).toBe('pass');
  });

  it('fails a series with too few samples after warm-up', () => {
    const fds = series(
      'fds',
      sampled(1, () => 60),
    );
    expect(judge(fds, 55)).toMatchObject({ verdict: 'fail', rule: expect.stringMatching(/fewer than 3/) });
  });

  it('reports start, end and max', () => {
    const fds = series(
      'fds',
      [4, 9, 7].map((v, i) => ({ t: i, v })),
    );
    expect(judge(fds, 0)).toMatchObject({ start: 4, end: 7, max: 9 });
  });
});

describe('warmUpEnd', () => {
  it('is a fifth of the run, or later when the caches fill later', () => {
    expect(warmUpEnd(1_800, 40)).toBe(360);
    expect(warmUpEnd(60, 30)).toBe(30);
    expect(warmUpEnd(60, undefined)).toBeUndefined();
    expect(warmUpEnd(90, 20, 0.2, 30)).toBe(50);
    expect(warmUpEnd(1_800, 110, 0.2, 30)).toBe(360);
  });
});
