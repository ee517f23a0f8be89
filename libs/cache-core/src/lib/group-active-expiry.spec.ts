import { inProcessCluster } from '../testing/in-process-cluster';
import { testDatabase as database } from '../testing/test-database';
import type { ExpiryScheduler } from './expiry-scheduler';
import { Group } from './group';
import type { GroupOptions } from './group-options';

const ctx = { hops: 0, ringVersion: '' };
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

describe('Group active expiry', () => {
  function withScheduler(extra: Partial<GroupOptions> = {}) {
    let now = 100_000;
    const scheduled: [string, string, number][] = [];
    const expiry: ExpiryScheduler = { schedule: (g, k, at) => scheduled.push([g, k, at]) };
    const lateness: number[] = [];
    const { db, loader } = database({ k: 'v', j: 'w' });
    const g = new Group({
      name: 'g',
      loader,
      maxBytes: 1 << 20,
      ttlMs: 2_000,
      expiry,
      onActiveExpiry: (late) => lateness.push(late),
      now: () => now,
      ...extra,
    });
    return { g, db, scheduled, lateness, clock: { set: (t: number) => (now = t), get: () => now } };
  }

  it('schedules every stored value with a TTL, and removes it when told it expired', async () => {
    const { g, scheduled, lateness, clock } = withScheduler();
    await g.get('k');
    await g.set('s', Buffer.from('x'), 5_000, ctx);
    expect(scheduled).toEqual([
      ['g', 'k', 102_000],
      ['g', 's', 105_000],
    ]);
    clock.set(102_300);
    expect(g.expire('k', 102_000)).toBe('removed');
    expect(lateness).toEqual([300]);
    expect(g.stats().main.items).toBe(1);
    expect(g.stats().activeExpirations).toBe(1);
  });

  it('removes an entry due within the announced second at its exact expiry, by a timer', async () => {
    const { g, lateness } = withScheduler({ now: Date.now });
    await g.set('k', Buffer.from('x'), 1_000, ctx);
    const expireAt = Date.now() + 1_000;
    expect(g.expire('k', expireAt)).toBe('scheduled');
    expect(g.stats().main.items).toBe(1);
    // The timer fires at the expiry; waited for as long as a loaded machine may need.
    for (let waited = 0; g.stats().main.items > 0 && waited < 3_000; waited += 20) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(g.stats().main.items).toBe(0);
    expect(lateness).toHaveLength(1);
    // Due at its exact expiry, not at the next sweep a second later.
    expect(lateness[0]).toBeLessThan(500);
  });

  it('sweeps every expired entry when asked, and only those', async () => {
    const { g, clock } = withScheduler();
    await g.set('a', Buffer.from('x'), 2_000, ctx);
    await g.set('b', Buffer.from('y'), 60_000, ctx);
    clock.set(103_000);
    expect(g.pruneExpired()).toBe(1);
    expect(g.stats().main.items).toBe(1);
  });

  it('keeps an entry set again since, to expire later', async () => {
    const { g, clock } = withScheduler();
    await g.set('k', Buffer.from('x'), 2_000, ctx);
    await g.set('k', Buffer.from('y'), 60_000, ctx);
    clock.set(102_500);
    expect(g.expire('k', 102_000)).toBe('kept');
    expect(text((await g.get('k')).value)).toBe('y');
  });

  it('sends hot copies to the hot-copy scheduler', async () => {
    const ownerScheduled: string[] = [];
    const hotScheduled: string[] = [];
    const c = inProcessCluster(
      'B',
      { k: 'v' },
      {
        ttlMs: 5_000,
        expiry: { schedule: (_g, k) => ownerScheduled.push(k) },
        hotExpiry: { schedule: (_g, k) => hotScheduled.push(k) },
      },
    );
    await c.group('A').get('k');
    expect(ownerScheduled).toEqual(['k']); // B stored it
    expect(hotScheduled).toEqual(['k']); // A kept a hot copy
  });
});
