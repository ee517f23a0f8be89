import { Agent } from 'node:http';

import { keyName } from '../data/keys';
import { CpuClock } from './cpu-clock';
import { httpGet } from './http-get';
import type { LoadResult, SweepLoad } from './load-spec';
import { OutcomeTally } from './outcome-tally';

/** Requests every key of `[from, to)` exactly once, `concurrency` at a time, over keep-alive sockets. */
export async function sweep(spec: SweepLoad): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const tally = new OutcomeTally();
  const clock = new CpuClock();
  let next = spec.from;
  const worker = async () => {
    while (next < spec.to) {
      const i = next++;
      tally.add(await httpGet(agent, spec.origin, `${spec.prefix}${keyName(i)}`));
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  agent.destroy();
  return tally.result(clock.wallSec(), clock.cpuPercent());
}
