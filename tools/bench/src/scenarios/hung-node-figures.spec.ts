import { hungFigures, percentile, type HungSample } from './hung-node-figures';

const ok = (startMs: number, latencyMs: number): HungSample => ({ startMs, latencyMs, status: 200 });

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile([7], 99)).toBe(7);
  });

  it('has none of nothing', () => {
    expect(percentile([], 99)).toBeUndefined();
  });
});

describe('hungFigures', () => {
  // Stopped at 2 s, continued at 12 s.
  const stopAt = 2_000;
  const contAt = 12_000;

  it('places requests by when they ran and checks both windows', () => {
    const samples = [
      ok(0, 5),
      ok(1_990, 9), // ended at the stop: before it
      ok(1_995, 3_600), // in flight at the stop: in the first second, not before
      ok(2_000, 3_500), // sent to the hung node in its first second: counts there, though it ended later
      ok(2_999, 10),
      ok(3_000, 20),
      ok(11_999, 30),
      ok(12_000, 900), // after the continue: in no window
    ];
    const figures = hungFigures(samples, stopAt, contAt);
    expect(figures).toEqual({
      duringStop: 4,
      errors: 0,
      beforeP99Ms: 9,
      firstSecondMaxMs: 3_600,
      steadyP99Ms: 30,
      firstSecondMet: true,
      steadyMet: true,
    });
  });

  it('takes the requests in flight at the stop when none started in the first second', () => {
    const figures = hungFigures([ok(1_000, 20), ok(1_900, 3_050), ok(3_000, 10)], stopAt, contAt);
    expect(figures.firstSecondMaxMs).toBe(3_050);
    expect(figures.beforeP99Ms).toBe(20);
    expect(figures.firstSecondMet).toBe(true);
  });

  it('fails a first second past deadline + 1 s and a slow steady p99', () => {
    const steady = Array.from({ length: 100 }, (_, i) => ok(3_000 + i * 10, i < 98 ? 5 : 60));
    const figures = hungFigures([ok(2_500, 4_001), ...steady], stopAt, contAt);
    expect(figures.firstSecondMet).toBe(false);
    expect(figures.steadyP99Ms).toBe(60);
    expect(figures.steadyMet).toBe(false);
  });

  it('counts every answer that is not a 200 as an error', () => {
    const figures = hungFigures(
      [
        ok(0, 1),
        { startMs: 2_100, latencyMs: 3_000, status: 504 },
        { startMs: 13_000, latencyMs: 1, status: 0 },
      ],
      stopAt,
      contAt,
    );
    expect(figures.errors).toBe(2);
  });

  it('leaves a window with no request unjudged', () => {
    const figures = hungFigures([ok(0, 1)], stopAt, contAt);
    expect(figures.firstSecondMaxMs).toBeUndefined();
    expect(figures.firstSecondMet).toBeUndefined();
    expect(figures.steadyMet).toBeUndefined();
  });
});
