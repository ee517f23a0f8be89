import type { Pool } from 'mysql2/promise';

import { FuzzRandom, sleep } from '@ringcache/testing';

import type { History } from '../history/operation';
import type { EntryPoint } from './entry-point';

/** The keys a workload uses: table-backed ones (rows of `item`) and plain ones (no row). */
export interface WorkloadKeys {
  table: readonly string[];
  plain: readonly string[];
}

/** Options of a {@link Workload}. */
export interface WorkloadOptions {
  entries: readonly EntryPoint[];
  /** Concurrent loops per entry point. */
  workersPerEntry: number;
  keys: WorkloadKeys;
  /** The database the rows of table-backed keys are updated in. */
  db: Pool;
  history: History;
  seed: number;
  /** Pause between one loop's operations, ms. */
  paceMs: number;
}

/** Share of requests that go to the few hot keys, so nodes keep hot copies and near caches hold them. */
const HOT_SHARE = 0.3;
const HOT_KEYS = 20;

/**
 * Clients through every entry point, each a loop of ~90 % gets, 5 % writes and 5 % deletes over the keys,
 * recorded in the history. A write of a plain key is a set of a value unique to it
 * (`<entry>-<worker>:<seq>:<key>$`; the `$` shows a cut value); a write of a table-backed key updates its
 * row to such a value and then deletes the key through the entry point (cache-aside). A delete of a plain
 * key removes it; of a table-backed key, it drops the cached copies only.
 */
export class Workload {
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: WorkloadOptions) {}

  start(): void {
    this.running = true;
    const { entries, workersPerEntry, seed } = this.options;
    entries.forEach((entry, e) => {
      for (let w = 0; w < workersPerEntry; w++)
        this.loops.push(this.loop(entry, `${entry.name}-${w}`, new FuzzRandom(seed * 1_000 + e * 100 + w)));
    });
  }

  /** Stops every loop after its current operation. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private pickKey(random: FuzzRandom): { key: string; table: boolean } {
    const { table, plain } = this.options.keys;
    const all = table.length + plain.length;
    const hot = random.chance(HOT_SHARE);
    const i = hot ? random.int(0, Math.min(HOT_KEYS, all) - 1) : random.int(0, all - 1);
    // Hot keys alternate between the two kinds: table keys at even indexes, plain ones at odd.
    if (hot)
      return i % 2 === 0
        ? { key: table[(i / 2) % table.length], table: true }
        : { key: plain[(i - 1) / 2], table: false };
    return i < table.length ? { key: table[i], table: true } : { key: plain[i - table.length], table: false };
  }

  private async loop(entry: EntryPoint, writer: string, random: FuzzRandom): Promise<void> {
    const { history, db } = this.options;
    let seq = 0;
    while (this.running) {
      const { key, table } = this.pickKey(random);
      const roll = random.next();
      if (roll < 0.9) {
        await history.record({ entry: entry.name, kind: 'get', key }, async () => ({
          value: await entry.get(key),
        }));
      } else if (roll < 0.95) {
        const written = `${writer}:${++seq}:${key}$`;
        if (!table) {
          await history.record({ entry: entry.name, kind: 'set', key, written }, () =>
            entry.set(key, written),
          );
        } else {
          const update = await history.record(
            { entry: entry.name, kind: 'db-update', key, written },
            async () => {
              await db.query({
                sql: 'UPDATE item SET v = ? WHERE k = ?',
                values: [written, key],
                timeout: 5_000,
              });
            },
          );
          if (update.ok)
            await history.record({ entry: entry.name, kind: 'delete', key, completes: update.id }, () =>
              entry.delete(key),
            );
        }
      } else {
        await history.record({ entry: entry.name, kind: 'delete', key }, () => entry.delete(key));
      }
      await sleep(this.options.paceMs);
    }
  }
}
