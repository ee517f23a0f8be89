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

/**
 * The highest point of each of `windows` equal spans of time over `points`: the peaks a sawtooth reaches in
 * every cycle, so a line through them does not depend on where in a cycle the series starts or ends, as a
 * line through every point does. A span without a point gives none.
 */
export function upperEnvelope(points: readonly Point[], windows: number): Point[] {
  if (points.length === 0) return [];
  const from = points[0].t;
  const width = (points[points.length - 1].t - from) / windows;
  const peaks: (Point | undefined)[] = new Array(windows).fill(undefined);
  for (const p of points) {
    const i = width > 0 ? Math.min(windows - 1, Math.floor((p.t - from) / width)) : 0;
    const peak = peaks[i];
    if (!peak || p.v > peak.v) peaks[i] = p;
  }
  return peaks.filter((p): p is Point => p !== undefined);
}
