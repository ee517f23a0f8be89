import { Agent } from 'node:http';

import { CpuClock } from './cpu-clock';
import { httpGet } from './http-get';
import type { BurstLoad, LoadResult } from './load-spec';
import { OutcomeTally } from './outcome-tally';

/**
 * Opens `count` keep-alive connections (one request to `preconnectPath` on each, all at once, so the
 * agent must open a socket per request), then sends `count` requests for `path` in one synchronous loop
 * — each goes out on an idle open socket — and waits for the last answer. `durationSec` is the time from
 * the first request sent to the last answer received.
 */
export async function burst(spec: BurstLoad): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.count, maxFreeSockets: spec.count });
  const preconnect = await Promise.all(
    Array.from({ length: spec.count }, () => httpGet(agent, spec.origin, spec.preconnectPath)),
  );
  const failed = preconnect.find((o) => 'error' in o || o.status !== 200);
  if (failed) throw new Error(`preconnect to ${spec.preconnectPath} failed: ${JSON.stringify(failed)}`);
  const tally = new OutcomeTally();
  const clock = new CpuClock();
  const outcomes = await Promise.all(
    Array.from({ length: spec.count }, () => httpGet(agent, spec.origin, spec.path, 30_000)),
  );
  const durationSec = clock.wallSec();
  for (const outcome of outcomes) tally.add(outcome);
  agent.destroy();
  return tally.result(durationSec, clock.cpuPercent());
}
