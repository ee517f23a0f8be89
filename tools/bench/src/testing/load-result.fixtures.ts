import type { LoadResult } from '../load/load-spec';

/** A measured load at `rps`, `ok` of its requests answered 200 (default: as many as one second's). */
export function loadAt(rps: number, ok = rps): LoadResult {
  return {
    ...{ responses: ok, ok, non2xx: 0, errors: 0, timeouts: 0, statusCodes: {} },
    ...{
      durationSec: 1,
      rps,
      latencyMs: { p50: 1, p99: 2, max: 3 },
      loadgenCpuPercent: 50,
      errorSamples: [],
    },
  };
}
