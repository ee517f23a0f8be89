import { inProcessCluster } from '../testing/in-process-cluster';
import { testDatabase as database } from '../testing/test-database';
import { PeerUnavailableError, ValueTooLargeError } from './errors';
import { Group } from './group';

const ctx = { hops: 0, ringVersion: '' };
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

describe('Group writes', () => {
  it('stores a set at the owner, with its TTL or the default, and reads it back there', async () => {
    let now = 10_000;
    const { loader, db } = database({});
    const g = new Group({ name: 'g', loader, maxBytes: 1 << 20, ttlMs: 60_000, now: () => now });
    expect(await g.set('k', Buffer.from('v1'), 0, ctx)).toEqual({ expireAtMs: 70_000 });
    expect(await g.set('t', Buffer.from('v2'), 5_000, ctx)).toEqual({ expireAtMs: 15_000 });
    expect(text((await g.get('k')).value)).toBe('v1');
    now = 15_000;
    expect((await g.get('t')).found).toBe(false); // expired: loaded again, and the database has nothing
    expect(db.loads).toBe(1);
  });

  it('replaces a cached value in place: one entry, counted at the new size, with the new expiry', async () => {
    let now = 10_000;
    const { loader } = database({ k: 'loaded' });
    const g = new Group({ name: 'g', loader, maxBytes: 1 << 20, ttlMs: 60_000, now: () => now });
    await g.get('k');
    const loaded = g.stats().main.bytes;
    now = 20_000;
    expect(await g.set('k', Buffer.alloc(100, 1), 5_000, ctx)).toEqual({ expireAtMs: 25_000 });
    expect(g.stats().main).toMatchObject({ items: 1, bytes: loaded - 'loaded'.length + 100 });
    expect((await g.get('k')).value).toEqual(Buffer.alloc(100, 1));
    now = 25_001;
    expect(text((await g.get('k')).value)).toBe('loaded'); // the set's TTL, not the load's, ended it
  });

  it('forwards a set and a delete to the owner with one hop; other nodes drop their copies', async () => {
    const c = inProcessCluster('B', { k: 'old' });
    // A and C fetch k from B and keep hot copies (hotThreshold 1).
    expect(text((await c.group('A').get('k')).value)).toBe('old');
    expect((await c.group('A').get('k')).outcome).toBe('hot');
    expect((await c.group('C').get('k')).outcome).toBe('peer');

    await c.group('A').set('k', Buffer.from('new'), 0, ctx);
    const sets = c.peers.get('B')?.calls.filter((x) => x.op === 'set');
    expect(sets?.map((x) => (x.request as { hops: number }).hops)).toEqual([1]);
    for (const n of ['A', 'B', 'C']) expect(text((await c.group(n).get('k')).value)).toBe('new');

    await c.group('C').delete('k', ctx);
    for (const n of ['A', 'C'] as const) {
      // The owner's fan-out: one DeleteMany per node, local only.
      const deletes = c.peers
        .get(n)
        ?.calls.filter((x) => x.op === 'deleteMany')
        .map((x) => x.request as { localOnly?: boolean });
      expect(deletes?.some((d) => d.localOnly === true)).toBe(true);
    }
    // Deleted from the cache, not from the database: the next read loads the database's value again.
    expect(text((await c.group('A').get('k')).value)).toBe('old');
    expect(c.db('B').loads).toBe(2);
    expect(c.group('B').stats().writes).toEqual({ sets: 1, deletes: 1, flushes: 0 });
    expect(c.group('B').stats().invalidations).toEqual({ sent: 4, failed: 0, skipped: 0 });
  });

  it('sends the request id with a forwarded write and with the invalidations it causes', async () => {
    const c = inProcessCluster('B', { k: 'v' });
    await c.group('A').set('k', Buffer.from('new'), 0, { ...ctx, requestId: 'w-1' });
    await c.group('C').delete('k', { ...ctx, requestId: 'w-2' });
    const ids = (n: 'A' | 'B' | 'C', op: string) =>
      c
        .peer(n)
        .calls.filter((x) => x.op === op)
        .map((x) => x.options?.requestId);
    expect(ids('B', 'set')).toEqual(['w-1']);
    expect(ids('B', 'delete')).toEqual(['w-2']);
    // The owner's fan-out to the other nodes names the write it follows.
    expect(ids('A', 'deleteMany')).toEqual(['w-1', 'w-2']);
    expect(ids('C', 'deleteMany')).toEqual(['w-1', 'w-2']);
  });

  it('deletes on this node only when asked localOnly, without fanning out', async () => {
    const c = inProcessCluster('B', { k: 'v' });
    await c.group('B').get('k');
    expect(await c.group('B').delete('k', { ...ctx, localOnly: true })).toEqual({ deleted: true });
    expect(c.peers.get('A')?.calls).toEqual([]);
    expect(await c.group('B').delete('k', { ...ctx, localOnly: true })).toEqual({ deleted: false });
  });

  it('does not store a set elsewhere when the owner is unreachable, and counts unreachable nodes on invalidation', async () => {
    const c = inProcessCluster('B', {});
    c.peer('B').down = true;
    await expect(c.group('A').set('k', Buffer.from('x'), 0, ctx)).rejects.toBeInstanceOf(
      PeerUnavailableError,
    );
    expect((await c.group('A').get('k', { hops: 1, ringVersion: '' })).found).toBe(false);
    c.peer('B').down = false;
    c.peer('C').down = true;
    await c.group('B').set('k', Buffer.from('x'), 0, ctx);
    expect(c.group('B').stats().invalidations).toEqual({ sent: 2, failed: 1, skipped: 0 });
  });

  it('validates values and TTLs, changing nothing', async () => {
    const g = new Group({ name: 'g', loader: database().loader, maxBytes: 1 << 20, maxValueBytes: 4 });
    await expect(g.set('k', Buffer.from('12345'), 0, ctx)).rejects.toBeInstanceOf(ValueTooLargeError);
    await expect(g.set('k', Buffer.from('1'), 999, ctx)).rejects.toThrow(
      'ttl must be between 1 s and 30 days, got 999 ms',
    );
    await expect(g.set('k', Buffer.from('1'), 31 * 24 * 3600 * 1000, ctx)).rejects.toThrow(/30 days/);
    await expect(g.set('k', 'text' as never, 0, ctx)).rejects.toThrow('value must be bytes');
    expect(g.stats().main.items).toBe(0);
  });

  it('never serves a value loaded before a delete to a get made after it (1,000 trials)', async () => {
    for (let trial = 0; trial < 1_000; trial++) {
      const { db, loader } = database({ k: `v${trial}` });
      const g = new Group({ name: 'g', loader, maxBytes: 1 << 20 });
      db.delayMs = 1;
      const inFlight = g.get('k'); // reads the old row
      await Promise.resolve();
      db.rows.k = `w${trial}`; // the application updates the row…
      await g.delete('k', ctx); // …and invalidates the key
      const after = await g.get('k');
      expect(text(after.value)).toBe(`w${trial}`);
      await inFlight;
      expect(text((await g.get('k')).value)).toBe(`w${trial}`);
    }
  });

  it('keeps a set value when a load that started before it finishes after it', async () => {
    const { db, loader } = database({ k: 'from-db' });
    const g = new Group({ name: 'g', loader, maxBytes: 1 << 20 });
    db.delayMs = 20;
    const inFlight = g.get('k');
    await g.set('k', Buffer.from('from-set'), 0, ctx);
    await inFlight;
    expect(text((await g.get('k')).value)).toBe('from-set');
    expect(db.loads).toBe(1);
  });

  it('flushes a group for a newer generation only, and keeps loads in flight from storing old answers', async () => {
    const { db, loader } = database({ a: '1', b: '2' });
    const g = new Group({ name: 'g', loader, maxBytes: 1 << 20 });
    await g.get('a');
    db.delayMs = 20;
    const inFlight = g.get('b');
    expect(g.flush(5)).toBe(5);
    expect(g.flush(3)).toBe(5);
    await inFlight;
    db.delayMs = 0;
    expect((await g.get('a')).outcome).toBe('load');
    expect((await g.get('b')).outcome).toBe('load');
    expect(g.stats()).toMatchObject({ generation: 5, writes: { flushes: 1 } });
  });
});

describe('stale-on-error', () => {
  it('serves an expired value flagged stale while the database is down, within the grace only', async () => {
    let now = 0;
    const { db, loader } = database({ k: 'v' });
    const g = new Group({
      name: 'g',
      loader,
      maxBytes: 1 << 20,
      ttlMs: 1_000,
      staleGraceMs: 10_000,
      now: () => now,
    });
    await g.get('k');
    now = 1_500;
    db.down = true;
    const stale = await g.get('k');
    expect(stale).toMatchObject({ found: true, stale: true, outcome: 'stale', expireAtMs: 1_000 });
    expect(text(stale.value)).toBe('v');
    expect((await g.get('missing').catch((e: Error) => e)) instanceof Error).toBe(true);
    now = 11_001;
    await expect(g.get('k')).rejects.toMatchObject({ code: 'load_failed' });
    db.down = false;
    expect(await g.get('k')).toMatchObject({ found: true, outcome: 'load' });
    expect(g.stats().gets.stale).toBe(1);
  });

  it('is off by default: an expired value is not served when the database is down', async () => {
    let now = 0;
    const { db, loader } = database({ k: 'v' });
    const g = new Group({ name: 'g', loader, maxBytes: 1 << 20, ttlMs: 1_000, now: () => now });
    await g.get('k');
    now = 1_500;
    db.down = true;
    await expect(g.get('k')).rejects.toMatchObject({ code: 'load_failed' });
  });

  it('passes the stale flag through a peer, and keeps no hot copy of a stale answer', async () => {
    let now = 0;
    const c = inProcessCluster('B', { k: 'v' }, { ttlMs: 1_000, staleGraceMs: 10_000, now: () => now });
    await c.group('B').get('k');
    now = 1_500;
    c.db('B').down = true;
    const answer = await c.group('A').get('k');
    expect(answer).toMatchObject({ stale: true, outcome: 'stale' });
    expect(c.group('A').stats().hot.items).toBe(0);
  });
});

describe('Group batch writes', () => {
  const entry = (key: string, value = 'v', ttlMs = 0) => ({ key, value: Buffer.from(value), ttlMs });

  it('forwards a batch to its owner in one call, and the owner fans out once per node', async () => {
    const c = inProcessCluster('B', {});
    const entries = ['a', 'b', 'c'].map((k) => entry(k, `new-${k}`, 5_000));
    const results = await c.group('A').setMany(entries, ctx);
    expect(results.map((r) => r.expireAtMs > 0)).toEqual([true, true, true]);
    expect(c.peer('B').calls.filter((x) => x.op === 'setMany')).toHaveLength(1);
    for (const n of ['A', 'C'] as const) {
      const drops = c.peer(n).calls.filter((x) => x.op === 'deleteMany');
      expect(drops.map((x) => (x.request as { keys: string[] }).keys)).toEqual([['a', 'b', 'c']]);
    }
    for (const k of ['a', 'b', 'c']) expect(text((await c.group('B').get(k, ctx)).value)).toBe(`new-${k}`);
    expect(await c.group('C').deleteMany(['a', 'zz'], ctx)).toEqual([{ deleted: true }, { deleted: false }]);
    expect(c.group('B').stats().writes).toEqual({ sets: 3, deletes: 2, flushes: 0 });
  });

  it('checks every entry before storing any, naming the bad one', async () => {
    const c = inProcessCluster('A', {});
    const g = c.group('A');
    await expect(g.setMany([entry('ok'), entry('bad', 'x', 500)], ctx)).rejects.toThrow(
      'entry 1: ttl must be between 1 s and 30 days, got 500 ms',
    );
    await expect(g.setMany([entry('ok'), entry('big', 'x'.repeat(2 << 20))], ctx)).rejects.toBeInstanceOf(
      ValueTooLargeError,
    );
    await expect(g.setMany([entry('ok'), entry('')], ctx)).rejects.toThrow(
      'entry 1: key must be a non-empty string',
    );
    expect(g.stats().writes.sets).toBe(0);
    expect(c.peer('B').calls).toHaveLength(0);
  });
});

describe('Group write fan-out, only where a copy may be', () => {
  it('tells no other node of a write once the start is long past and no peer fetched the key', async () => {
    let now = 1_000_000;
    const c = inProcessCluster('B', { k: 'v', j: 'w' }, { now: () => now });
    now += 61_000;
    await c.group('B').set('k', Buffer.from('new'), 0, ctx);
    expect(c.peer('A').calls.filter((x) => x.op === 'deleteMany')).toHaveLength(0);
    expect(c.group('B').stats().invalidations).toEqual({ sent: 0, failed: 0, skipped: 1 });

    // A fetches j from its owner B and keeps a hot copy (hotThreshold 1): B's next write of j tells A and C.
    expect(text((await c.group('A').get('j', ctx)).value)).toBe('w');
    await c.group('B').set('j', Buffer.from('new-j'), 0, ctx);
    expect(c.peer('A').calls.filter((x) => x.op === 'deleteMany')).toHaveLength(1);
    expect(text((await c.group('A').get('j', ctx)).value)).toBe('new-j');

    // A minute later nobody can hold a copy of j any more (hot copies live at most hotMaxAgeMs).
    now += 61_000;
    await c.group('B').delete('j', ctx);
    expect(c.peer('A').calls.filter((x) => x.op === 'deleteMany')).toHaveLength(1);
  });

  it('keeps hot copies at most hotMaxAgeMs, and entries of keys it does not own at most foreignMaxAgeMs', async () => {
    let now = 1_000_000;
    const c = inProcessCluster(
      'B',
      { k: 'v' },
      { now: () => now, hotMaxAgeMs: 5_000, foreignMaxAgeMs: 1_000 },
    );
    expect((await c.group('A').get('k', ctx)).outcome).toBe('peer');
    expect((await c.group('A').get('k', ctx)).outcome).toBe('hot');
    now += 5_001;
    expect((await c.group('A').get('k', ctx)).outcome).toBe('peer');
    // A request that made a hop is answered where it lands, even by a node that does not own the key.
    expect((await c.group('C').get('k', { hops: 1, ringVersion: '' })).outcome).toBe('load');
    expect((await c.group('C').get('k', { hops: 1, ringVersion: '' })).outcome).toBe('hit');
    now += 1_001;
    expect((await c.group('C').get('k', { hops: 1, ringVersion: '' })).outcome).toBe('load');
  });
});
