import { RingcacheClient } from '@ringcache/client';

import { keyName } from '../data/keys';
import { CpuClock } from './cpu-clock';
import type { FillLoad, LoadResult } from './load-spec';
import { OutcomeTally } from './outcome-tally';

/** Entries per setMany call: the most one call takes. */
const BATCH = 1_000;

/**
 * Fills a cache with `count` keys through setMany, each value `valueBytes` of bytes that differ from key
 * to key. Each call is one outcome (status 200, or its error); `rps` is entries per second.
 */
export async function fill(spec: FillLoad): Promise<LoadResult> {
  const client = new RingcacheClient({ nodes: spec.nodes, transport: 'http', timeoutMs: 60_000 });
  const tally = new OutcomeTally();
  const clock = new CpuClock();
  try {
    await client.ready();
    let next = 0;
    const worker = async () => {
      while (next < spec.count) {
        const from = next;
        next = Math.min(spec.count, next + BATCH);
        const entries = [];
        for (let i = from; i < next; i++) {
          const value = Buffer.alloc(spec.valueBytes, 0x61 + (i % 26));
          value.write(keyName(i));
          entries.push({ key: keyName(i), value });
        }
        const started = performance.now();
        try {
          await client.setMany(spec.group, entries);
          tally.add({ status: 200, ms: performance.now() - started });
        } catch (error) {
          tally.add({ error: (error as Error).message, ms: performance.now() - started });
        }
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, worker));
  } finally {
    await client.close();
  }
  const result = tally.result(clock.wallSec(), clock.cpuPercent());
  return { ...result, rps: result.durationSec > 0 ? spec.count / result.durationSec : 0 };
}
