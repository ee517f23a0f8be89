import autocannon, { type AutocannonOptions } from 'autocannon';

import { keyName } from '../data/keys';
import { CpuClock } from './cpu-clock';
import type { LoadResult, Target, TimedLoad } from './load-spec';

/**
 * How often each key appears over all connections' lists of a uniform load. Each connection cycles
 * through its own list; more passes mean longer lists (more variety per connection) and more requests
 * built before the run — 4 × 10,000 keys is 40,000 requests built, ~0.1 s.
 */
const UNIFORM_PASSES = 4;

/** `[0, n)` in random order (Fisher–Yates). */
function shuffled(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * The requests autocannon sends. Every request is prebuilt, in every row: autocannon's per-request
 * `setupRequest` rebuilds the request each time and costs the generator more than many servers spend
 * answering (it capped the bare node:http row at ~40k/s on this machine's single load core, against ~65k
 * prebuilt). A fixed path is one prebuilt request. For uniform keys, `UNIFORM_PASSES` shuffled passes
 * over every key are dealt out to the connections, each cycling through its own slice: every key is asked
 * equally often, in random order, and no two connections walk the keys in step.
 */
function requestOptions(target: Target, connections: number): Partial<AutocannonOptions> {
  const method = target.method ?? 'GET';
  const query = target.query ?? '';
  const shape = {
    method,
    ...(target.body === undefined ? {} : { body: target.body }),
    ...(target.contentType ? { headers: { 'content-type': target.contentType } } : {}),
  };
  if (target.kind === 'one') return { requests: [{ ...shape, path: target.path + query }] };
  const { prefix, keys } = target;
  const sequence = Array.from({ length: UNIFORM_PASSES }, () => shuffled(keys)).flat();
  const perConnection = Math.ceil(sequence.length / connections);
  let next = 0;
  return {
    requests: [{ ...shape, path: `${prefix}${keyName(0)}${query}` }],
    setupClient: (client) => {
      const start = (next++ % connections) * perConnection;
      const slice = sequence.slice(start, start + perConnection);
      client.setRequests(slice.map((i) => ({ ...shape, path: `${prefix}${keyName(i)}${query}` })));
    },
  };
}

/** Measures a fixed-duration autocannon run (a warm-up is a run of its own). */
export function timed(spec: TimedLoad): Promise<LoadResult> {
  return measuredRun({
    url: spec.origin,
    connections: spec.connections,
    duration: spec.durationSec,
    timeout: 10,
    ...requestOptions(spec.target, spec.connections),
  });
}

/** Runs autocannon with `options`: its totals, the first error messages, and this process's CPU over it. */
export async function measuredRun(options: AutocannonOptions): Promise<LoadResult> {
  const errorSamples: string[] = [];
  const clock = new CpuClock();
  const instance = autocannon(options);
  instance.on('reqError', (error) => {
    if (errorSamples.length < 5) errorSamples.push(error.message);
  });
  return loadResultOf(await instance, clock.cpuPercent(), errorSamples);
}

/** An autocannon run's totals as a LoadResult; `errorSamples` are the first error messages it emitted. */
function loadResultOf(
  result: Awaited<ReturnType<typeof autocannon>>,
  cpuPercent: number,
  errorSamples: string[],
): LoadResult {
  const durationSec = (result.finish.getTime() - result.start.getTime()) / 1000;
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
  );
  const responses = result.requests.total;
  return {
    responses,
    ok: responses - result.non2xx,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    durationSec,
    rps: durationSec > 0 ? responses / durationSec : 0,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    loadgenCpuPercent: cpuPercent,
    errorSamples,
    windowMs: [result.start.getTime(), result.finish.getTime()],
  };
}
