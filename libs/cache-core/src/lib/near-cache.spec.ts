import { Group } from './group';
import { InvalidationHub } from './invalidation-hub';
import { found, loaderFn } from './loader';
import { NearCache } from './near-cache';
import type { GetResponse, Invalidation } from './protocol';

const answer = (value: string, expireAtMs = 0): GetResponse => ({
  found: true,
  value: Buffer.from(value),
  expireAtMs,
});

describe('NearCache', () => {
  function near(now = () => 1_000) {
    const cache = new NearCache({ maxBytes: 1 << 20, maxAgeMs: 10_000, now });
    cache.setEnabled(true);
    return cache;
  }

  it('serves what it stored, until invalidated', () => {
    const cache = near();
    cache.store('g', 'k', answer('v'), cache.begin('g', 'k'));
    expect(Buffer.from(cache.get('g', 'k')?.value ?? []).toString()).toBe('v');
    cache.invalidate({ kind: 'key', group: 'g', key: 'k' });
    expect(cache.get('g', 'k')).toBeUndefined();
    expect(cache.stats().invalidations).toBe(1);
  });

  it('does not store an answer fetched before an invalidation of its key', () => {
    const cache = near();
    const startedAt = cache.begin('g', 'k');
    cache.invalidate({ kind: 'key', group: 'g', key: 'k' });
    cache.store('g', 'k', answer('old'), startedAt);
    expect(cache.get('g', 'k')).toBeUndefined();
    cache.store('g', 'k', answer('new'), cache.begin('g', 'k'));
    expect(cache.get('g', 'k')?.found).toBe(true);
  });

  it('keeps out every fetch of a key that started before its invalidation, however many ran at once', async () => {
    const cache = near();
    const gates: ((value: GetResponse) => void)[] = [];
    const fetch = () => new Promise<GetResponse>((resolve) => gates.push(resolve));
    const first = cache.fill('g', 'k', fetch);
    const second = cache.fill('g', 'k', fetch);
    cache.invalidate({ kind: 'key', group: 'g', key: 'k' });
    gates[0](answer('old'));
    await first;
    gates[1](answer('old'));
    await second;
    expect(cache.get('g', 'k')).toBeUndefined();
    await cache.fill('g', 'k', async () => answer('new'));
    expect(cache.get('g', 'k')?.value.toString()).toBe('new');
  });

  it('forgets invalidations of keys nobody is fetching, and those of failed fetches', async () => {
    const cache = near();
    for (let i = 0; i < 1_000; i++) cache.invalidate({ kind: 'key', group: 'g', key: `k${i}` });
    await expect(
      cache.fill('g', 'x', () => {
        cache.invalidate({ kind: 'key', group: 'g', key: 'x' });
        return Promise.reject(new Error('owner down'));
      }),
    ).rejects.toThrow('owner down');
    expect(cache.pendingWrites()).toBe(0);
  });

  it('counts its hits per group and key, which no node sees', () => {
    const cache = near();
    cache.store('g', 'hot', answer('v'), cache.begin('g', 'hot'));
    cache.store('g', 'cold', answer('v'), cache.begin('g', 'cold'));
    cache.store('h', 'k', answer('v'), cache.begin('h', 'k'));
    for (let i = 0; i < 5; i++) cache.get('g', 'hot');
    cache.get('g', 'cold');
    cache.get('g', 'missing');
    cache.get('h', 'k');
    expect(cache.hits('g')).toBe(6);
    expect(cache.hits('h')).toBe(1);
    expect(cache.hits('unknown')).toBe(0);
    expect(cache.hotKeys('g', 10).map((h) => [h.key, h.count])).toEqual([
      ['hot', 5],
      ['cold', 1],
    ]);
    expect(cache.hotKeys('unknown', 10)).toEqual([]);
  });

  it('counts no hits with hotKeyCapacity 0', () => {
    const cache = new NearCache({ maxBytes: 1 << 20, hotKeyCapacity: 0 });
    cache.setEnabled(true);
    cache.store('g', 'k', answer('v'), cache.begin('g', 'k'));
    expect(cache.get('g', 'k')).toBeDefined();
    expect(cache.hits('g')).toBe(0);
  });

  it("counts each group's hits with that group's own capacity and window", () => {
    const cache = new NearCache({
      maxBytes: 1 << 20,
      hotKeysOf: (group) =>
        group === 'quiet' ? { capacity: 0, windowMs: 1000 } : { capacity: 1, windowMs: 1000 },
    });
    cache.setEnabled(true);
    for (const [group, key] of [
      ['quiet', 'k'],
      ['busy', 'a'],
      ['busy', 'b'],
    ]) {
      cache.store(group, key, answer('v'), cache.begin(group, key));
    }
    for (let i = 0; i < 3; i++) cache.get('quiet', 'k');
    cache.get('busy', 'b');
    for (let i = 0; i < 20; i++) cache.get('busy', 'a');
    expect(cache.hits('quiet')).toBe(0);
    expect(cache.hotKeys('quiet', 10)).toEqual([]);
    // One counter: two keys were hit, one is reported.
    expect(cache.hits('busy')).toBe(21);
    expect(cache.hotKeys('busy', 10)).toHaveLength(1);
  });

  describe('once full', () => {
    /** Room for 4 entries of `g/k<i>` with a 100-byte value (entryBytes: 640 + 4 + 100). */
    const FOUR = 4 * 744;
    const value = (i: number) => answer(String(i).padStart(100, '.'));
    function full() {
      const cache = new NearCache({ maxBytes: FOUR, now: () => 1_000 });
      cache.setEnabled(true);
      for (let i = 0; i < 4; i++) cache.store('g', `k${i}`, value(i), cache.begin('g', `k${i}`));
      expect(cache.stats()).toMatchObject({ items: 4, notAdmitted: 0 });
      return cache;
    }

    it('keeps a key missed twice in a row of recent refusals, evicting the least recently used', () => {
      const cache = full();
      cache.store('g', 'k9', value(9), cache.begin('g', 'k9'));
      expect(cache.get('g', 'k9')).toBeUndefined();
      expect(cache.stats()).toMatchObject({ items: 4, evictions: 0, notAdmitted: 1 });
      cache.store('g', 'k9', value(9), cache.begin('g', 'k9'));
      expect(cache.get('g', 'k9')?.value.toString()).toBe(value(9).value.toString());
      expect(cache.get('g', 'k0')).toBeUndefined();
      expect(cache.stats()).toMatchObject({ items: 4, evictions: 1, notAdmitted: 1 });
    });

    it('lets a scan of keys read once pass without pushing out the keys it holds', () => {
      const cache = full();
      for (let i = 100; i < 1_100; i++) cache.store('g', `k${i}`, value(i), cache.begin('g', `k${i}`));
      expect(cache.stats()).toMatchObject({ items: 4, evictions: 0, notAdmitted: 1_000 });
      for (let i = 0; i < 4; i++) expect(cache.get('g', `k${i}`)).toBeDefined();
      // The doorkeeper remembers the last 256 refusals only: the first of the scan is a stranger again.
      cache.store('g', 'k100', value(100), cache.begin('g', 'k100'));
      expect(cache.get('g', 'k100')).toBeUndefined();
      cache.store('g', 'k1099', value(1_099), cache.begin('g', 'k1099'));
      expect(cache.get('g', 'k1099')).toBeDefined();
    });

    it('refuses a fill of a stranger before fetching, tracking nothing of it; its next fill gets in', async () => {
      const cache = full();
      let answerWith: (value: GetResponse) => void = () => undefined;
      const first = cache.fill(
        'g',
        'k9',
        () => new Promise<GetResponse>((resolve) => (answerWith = resolve)),
      );
      expect(cache.stats()).toMatchObject({ notAdmitted: 1 });
      // Not tracked: a write meanwhile leaves nothing for the fence to remember.
      cache.invalidate({ kind: 'key', group: 'g', key: 'k9' });
      expect(cache.pendingWrites()).toBe(0);
      answerWith(value(9));
      expect((await first).value.toString()).toBe(value(9).value.toString());
      expect(cache.get('g', 'k9')).toBeUndefined();
      await cache.fill('g', 'k9', async () => value(9));
      expect(cache.get('g', 'k9')?.value.toString()).toBe(value(9).value.toString());
      expect(cache.stats()).toMatchObject({ items: 4, evictions: 1, notAdmitted: 1 });
    });

    it('forgets its refusals when it is cleared', () => {
      const cache = full();
      cache.store('g', 'k9', value(9), cache.begin('g', 'k9'));
      cache.clear();
      for (let i = 0; i < 4; i++) cache.store('g', `k${i}`, value(i), cache.begin('g', `k${i}`));
      cache.store('g', 'k9', value(9), cache.begin('g', 'k9'));
      expect(cache.get('g', 'k9')).toBeUndefined();
    });
  });

  it('drops everything on a flush, and refuses fetches that started before it', () => {
    const cache = near();
    cache.store('g', 'a', answer('1'), cache.begin('g', 'a'));
    const startedAt = cache.begin('g', 'b');
    cache.invalidate({ kind: 'flush', group: 'g', generation: 2 });
    cache.store('g', 'b', answer('2'), startedAt);
    expect(cache.get('g', 'a')).toBeUndefined();
    expect(cache.get('g', 'b')).toBeUndefined();
  });

  it('keeps neither stale answers nor expired ones, and expires entries with their value', () => {
    let now = 1_000;
    const cache = near(() => now);
    cache.store('g', 'stale', { ...answer('s'), stale: true }, cache.begin('g', 'b'));
    cache.store('g', 'gone', answer('x', 900), cache.begin('g', 'gone'));
    cache.store('g', 'soon', answer('y', 1_500), cache.begin('g', 'soon'));
    cache.store(
      'g',
      'none',
      { found: false, value: Buffer.alloc(0), expireAtMs: 1_200 },
      cache.begin('g', 'none'),
    );
    expect(cache.get('g', 'stale')).toBeUndefined();
    expect(cache.get('g', 'gone')).toBeUndefined();
    expect(cache.get('g', 'none')).toMatchObject({ found: false, expireAtMs: 1_200 });
    now = 1_500;
    expect(cache.get('g', 'soon')).toBeUndefined();
  });

  it('bounds entries without an expiry by maxAge', () => {
    let now = 0;
    const cache = near(() => now);
    cache.store('g', 'k', answer('v'), cache.begin('g', 'k'));
    now = 10_000;
    expect(cache.get('g', 'k')).toBeUndefined();
  });

  it('serves and stores nothing while disabled, and starts empty when enabled again', () => {
    const cache = near();
    cache.store('g', 'k', answer('v'), cache.begin('g', 'k'));
    cache.setEnabled(false);
    expect(cache.get('g', 'k')).toBeUndefined();
    cache.store('g', 'j', answer('w'), cache.begin('g', 'j'));
    cache.setEnabled(true);
    expect(cache.get('g', 'k')).toBeUndefined();
    expect(cache.get('g', 'j')).toBeUndefined();
  });

  it('keeps out a fetch that began before its streams went down and came back: invalidations were missed meanwhile', async () => {
    const cache = near();
    let answerWith: (value: GetResponse) => void = () => undefined;
    const fill = cache.fill('g', 'k', () => new Promise<GetResponse>((resolve) => (answerWith = resolve)));
    // The key is written while the streams are down: its invalidation never arrives.
    cache.setEnabled(false);
    cache.setEnabled(true);
    answerWith(answer('old'));
    await fill;
    expect(cache.get('g', 'k')).toBeUndefined();
    await cache.fill('g', 'k', async () => answer('new'));
    expect(cache.get('g', 'k')?.value.toString()).toBe('new');
  });
});

describe('invalidations from groups', () => {
  it('announces owner writes and flushes through the hub to every subscriber', async () => {
    const hub = new InvalidationHub();
    const seen: Invalidation[] = [];
    const unsubscribe = hub.subscribe((e) => seen.push(e));
    hub.subscribe(() => {
      throw new Error('a broken subscriber');
    });
    const g = new Group({
      name: 'g',
      loader: loaderFn(async () => found('v')),
      maxBytes: 1 << 20,
      onInvalidate: hub.publish,
    });
    await g.set('k', Buffer.from('x'), 0, { hops: 0, ringVersion: '' });
    await g.delete('k', { hops: 0, ringVersion: '' });
    await g.delete('k', { hops: 0, ringVersion: '', localOnly: true });
    g.flush(3);
    expect(seen).toEqual([
      { kind: 'key', group: 'g', key: 'k' },
      { kind: 'key', group: 'g', key: 'k' },
      { kind: 'flush', group: 'g', generation: 3 },
    ]);
    expect(hub.stats()).toEqual({ subscribers: 1, published: 3 });
    unsubscribe();
    expect(hub.stats().subscribers).toBe(0);
  });
});
