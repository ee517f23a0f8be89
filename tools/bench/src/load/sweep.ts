import { keyName } from '../data/keys';
import type { LoadResult, SweepLoad } from './load-spec';
import { measuredRun } from './timed';

/** How often autocannon samples its counters during a sweep, in ms: the end of a pass is known to this. */
const SAMPLE_MS = 10;

/**
 * Requests every key of `[from, to)` exactly once, `concurrency` at a time, over keep-alive connections,
 * with the generator of the timed rows (autocannon, every request prebuilt): connection i asks keys
 * `from + i`, `from + i + concurrency`, … — as many as autocannon gives it of `amount` — so the keys go
 * out about in order and none twice. (node:http's client, building each request as it went, used 77–85% of
 * its core at 7,800–9,000 keys/s: close to its own limit.)
 */
export async function sweep(spec: SweepLoad): Promise<LoadResult> {
  const keys = spec.to - spec.from;
  if (!Number.isSafeInteger(keys) || keys < 1)
    throw new RangeError(`sweep of no keys: [${spec.from}, ${spec.to})`);
  const connections = Math.min(spec.concurrency, keys);
  let next = 0;
  return measuredRun({
    url: spec.origin,
    connections,
    // autocannon gives connection i floor(amount / connections) requests, one more for i < amount % connections:
    // just as many as it is dealt below.
    amount: keys,
    // A run of `amount` ends at the first sample after its last answer: by default up to a second late, as
    // long as a whole pass of a fast front.
    sampleInt: SAMPLE_MS,
    timeout: 10,
    requests: [{ method: 'GET', path: `${spec.prefix}${keyName(spec.from)}` }],
    setupClient: (client) => {
      const paths = [];
      for (let i = spec.from + next++; i < spec.to; i += connections)
        paths.push({ method: 'GET', path: `${spec.prefix}${keyName(i)}` });
      client.setRequests(paths);
    },
  });
}
