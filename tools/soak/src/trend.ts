/** One sample of a series: seconds since the soak started, and the value then. */
export interface Point {
  t: number;
  v: number;
}

/** A straight line fitted to points: `v ≈ intercept + slope × t`. */
export interface Fit {
  /** Change of the value per second. */
  slope: number;
  intercept: number;
  /** Points the line was fitted to. */
  n: number;
}

/**
 * The least-squares line through `points`; undefined with fewer than two points or when every point has
 * the same time (no slope can be told). Times are centred first, so hours of seconds lose no precision.
 */
export function leastSquares(points: readonly Point[]): Fit | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  let meanT = 0;
  let meanV = 0;
  for (const p of points) {
    meanT += p.t / n;
    meanV += p.v / n;
  }
  let covariance = 0;
  let spread = 0;
  for (const p of points) {
    covariance += (p.t - meanT) * (p.v - meanV);
    spread += (p.t - meanT) ** 2;
  }
  if (spread === 0) return undefined;
  const slope = covariance / spread;
  return { slope, intercept: meanV - slope * meanT, n };
}

/** The points at or after `fromT`: the part of a series a trend is judged on. */
export function after(points: readonly Point[], fromT: number): Point[] {
  return points.filter((p) => p.t >= fromT);
}
