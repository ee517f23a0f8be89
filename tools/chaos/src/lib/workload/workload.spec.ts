import type { Pool } from 'mysql2/promise';

import { eventually, sleep } from '@ringcache/testing';

import { History } from '../history/operation';
import type { EntryPoint } from './entry-point';
import { Workload } from './workload';

/** An entry point over a map, failing every call while `down`. */
function fakeEntry(name: string, store: Map<string, string>, state = { down: false }): EntryPoint {
  const check = () => {
    if (state.down) throw new Error('HTTP 503 unavailable');
  };
  return {
    name,
    get: async (key) => (check(), store.get(key) ?? null),
    set: async (key, value) => void (check(), store.set(key, value)),
    delete: async (key) => void (check(), store.delete(key)),
  };
}

describe('Workload', () => {
  it('mixes ~90 % gets with sets, deletes and cache-aside writes, each value unique, all recorded', async () => {
    const store = new Map<string, string>();
    const rows = new Map<string, string>();
    const db = {
      query: async (options: { values: [string, string] }) => rows.set(options.values[1], options.values[0]),
    } as unknown as Pool;
    const history = new History();
    const workload = new Workload({
      entries: [fakeEntry('gateway1', store), fakeEntry('sdk', store)],
      workersPerEntry: 2,
      keys: { table: ['t0', 't1', 't2'], plain: ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6'] },
      db,
      history,
      seed: 1,
      paceMs: 0,
    });
    workload.start();
    // However loaded the machine: enough operations for the shares to show.
    await eventually('600 operations', () => history.operations.length >= 600, 20_000);
    await workload.stop();
    const ops = history.operations;
    const share = (kind: string) => ops.filter((o) => o.kind === kind).length / ops.length;
    expect(share('get')).toBeGreaterThan(0.8);
    expect(share('set')).toBeGreaterThan(0.01);
    expect(share('db-update')).toBeGreaterThan(0.005);
    expect(ops.every((o) => o.ok)).toBe(true);
    expect(new Set(ops.map((o) => o.entry))).toEqual(new Set(['gateway1', 'sdk']));
    // Sets only on plain keys, row updates only on table-backed ones, each followed by its delete.
    expect(ops.filter((o) => o.kind === 'set').every((o) => o.key.startsWith('p'))).toBe(true);
    const updates = ops.filter((o) => o.kind === 'db-update');
    expect(updates.every((o) => o.key.startsWith('t'))).toBe(true);
    for (const update of updates) {
      const done = ops.find((o) => o.completes === update.id);
      expect(done).toMatchObject({ kind: 'delete', key: update.key, entry: update.entry });
      expect(done?.start).toBeGreaterThanOrEqual(update.end);
    }
    const written = ops.filter((o) => o.written !== undefined).map((o) => o.written as string);
    expect(new Set(written).size).toBe(written.length);
    for (const value of written) expect(value).toMatch(/^(gateway1|sdk)-\d:\d+:[pt]\d\$$/);
  });

  it('records failures and goes on; a failed row update is not followed by a delete', async () => {
    const state = { down: true };
    const db = {
      query: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    } as unknown as Pool;
    const history = new History();
    const workload = new Workload({
      entries: [fakeEntry('gateway2', new Map(), state)],
      workersPerEntry: 1,
      keys: { table: ['t0'], plain: ['p0'] },
      db,
      history,
      seed: 2,
      paceMs: 0,
    });
    workload.start();
    await sleep(200);
    state.down = false;
    await sleep(50);
    await workload.stop();
    const ops = history.operations;
    expect(ops.some((o) => !o.ok && o.error === 'HTTP 503 unavailable')).toBe(true);
    expect(ops.some((o) => o.ok)).toBe(true);
    expect(ops.filter((o) => o.completes !== undefined)).toEqual([]);
  });
});
