import { RingcacheError } from './errors';
import type { ExpiryScheduler } from './expiry-scheduler';
import { Group } from './group';
import { found, loaderFn } from './loader';
import type { PeerPicker } from './peer-set';

const ctx = { hops: 0, ringVersion: '' };
const alone: PeerPicker = { ringVersion: 'v1', route: () => ['self'], others: () => [] };

/** A scheduler the test fills up: it records what it is given while it accepts. */
function scheduler() {
  const s = { full: false, scheduled: [] as string[] };
  const expiry: ExpiryScheduler = {
    schedule: (_g, key) => s.scheduled.push(key),
    accepting: () => !s.full,
  };
  return { s, expiry };
}

function group(expiry: ExpiryScheduler, ttlMs = 0): Group {
  return new Group({
    name: 'g',
    loader: loaderFn(async (key) => found(`db:${key}`)),
    maxBytes: 1 << 20,
    ttlMs,
    peers: alone,
    expiry,
  });
}

describe('Group writes when the expiry scheduler cannot take a record', () => {
  it('refuses a set with a TTL as unavailable and stores nothing, then stores again once it accepts', async () => {
    const { s, expiry } = scheduler();
    const g = group(expiry);
    await g.set('k', Buffer.from('old'), 60_000, ctx);
    s.full = true;
    const refused = g.set('k', Buffer.from('new'), 60_000, ctx);
    await expect(refused).rejects.toThrow(RingcacheError);
    await expect(refused).rejects.toMatchObject({ code: 'unavailable', message: /expiry queue is full/ });
    expect((await g.get('k')).value.toString()).toBe('old');
    expect(s.scheduled).toEqual(['k']);
    s.full = false;
    await g.set('k', Buffer.from('new'), 60_000, ctx);
    expect((await g.get('k')).value.toString()).toBe('new');
    expect(s.scheduled).toEqual(['k', 'k']);
  });

  it("counts the group's default TTL, and refuses a whole batch when any entry expires", async () => {
    const { s, expiry } = scheduler();
    s.full = true;
    const g = group(expiry, 10_000);
    await expect(g.set('k', Buffer.from('v'), 0, ctx)).rejects.toMatchObject({ code: 'unavailable' });
    const entries = [
      { key: 'a', value: Buffer.from('a'), ttlMs: 0 },
      { key: 'b', value: Buffer.from('b'), ttlMs: 5_000 },
    ];
    await expect(g.setMany(entries, ctx)).rejects.toMatchObject({ code: 'unavailable' });
    expect(g.stats().writes.sets).toBe(0);
  });

  it('still takes writes that never expire, and deletes', async () => {
    const { s, expiry } = scheduler();
    s.full = true;
    const g = group(expiry);
    await expect(g.set('k', Buffer.from('v'), 0, ctx)).resolves.toEqual({ expireAtMs: 0 });
    await expect(g.delete('k', ctx)).resolves.toEqual({ deleted: true });
    expect(s.scheduled).toEqual([]);
  });
});
