import { after, leastSquares, upperEnvelope } from './trend';

describe('leastSquares', () => {
  it('finds the slope and intercept of points on a line', () => {
    const fit = leastSquares([0, 10, 20, 30].map((t) => ({ t, v: 5 + 2 * t })));
    expect(fit?.slope).toBeCloseTo(2, 10);
    expect(fit?.intercept).toBeCloseTo(5, 10);
    expect(fit?.n).toBe(4);
  });

  it('gives a slope of zero for a flat series, noisy or not', () => {
    const noisy = [103, 97, 100, 97, 103].map((v, t) => ({ t, v }));
    expect(leastSquares(noisy)?.slope).toBeCloseTo(0, 12);
    expect(leastSquares([0, 1, 2, 3].map((t) => ({ t, v: 7 })))?.slope).toBe(0);
  });

  it('sees a slow climb under a sawtooth', () => {
    // A garbage-collected heap: up 10 then back down every 4 samples, while the floor creeps up by 0.5/s.
    const points = Array.from({ length: 400 }, (_, t) => ({ t, v: 1_000 + 0.5 * t + (t % 4) * 10 }));
    expect(leastSquares(points)?.slope).toBeCloseTo(0.5, 2);
  });

  it('keeps its precision on times hours from zero', () => {
    const fit = leastSquares([0, 5, 10].map((dt) => ({ t: 7_200 + dt, v: 3 * dt })));
    expect(fit?.slope).toBeCloseTo(3, 9);
  });

  it('has no line with fewer than two points or no spread of time', () => {
    expect(leastSquares([])).toBeUndefined();
    expect(leastSquares([{ t: 1, v: 1 }])).toBeUndefined();
    expect(
      leastSquares([
        { t: 1, v: 1 },
        { t: 1, v: 2 },
      ]),
    ).toBeUndefined();
  });
});

describe('after', () => {
  it('keeps the points from a time on', () => {
    expect(
      after(
        [
          { t: 0, v: 1 },
          { t: 5, v: 2 },
          { t: 9, v: 3 },
        ],
        5,
      ),
    ).toEqual([
      { t: 5, v: 2 },
      { t: 9, v: 3 },
    ]);
  });
});

describe('upperEnvelope', () => {
  const points = [3, 9, 1, 4, 8, 2, 7, 7, 5].map((v, i) => ({ t: i * 10, v }));

  it('keeps the highest point of each equal span of time, the last point in the last span', () => {
    expect(upperEnvelope(points, 3)).toEqual([
      { t: 10, v: 9 },
      { t: 40, v: 8 },
      { t: 60, v: 7 },
    ]);
    expect(upperEnvelope(points, 1)).toEqual([{ t: 10, v: 9 }]);
  });

  it('gives nothing for a span without a point, and one point when all share a time', () => {
    expect(
      upperEnvelope(
        [
          { t: 0, v: 1 },
          { t: 100, v: 2 },
        ],
        4,
      ),
    ).toEqual([
      { t: 0, v: 1 },
      { t: 100, v: 2 },
    ]);
    expect(
      upperEnvelope(
        [
          { t: 5, v: 1 },
          { t: 5, v: 3 },
        ],
        3,
      ),
    ).toEqual([{ t: 5, v: 3 }]);
    expect(upperEnvelope([], 3)).toEqual([]);
  });
});
