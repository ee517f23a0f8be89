import fc from 'fast-check';

import { EvictionReason, Lru, LruOptions } from './lru';

/** A clock the test moves by hand. */
function manualClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** Values of one byte per character, keys free: sizes are easy to reason about. */
function byteLru(maxBytes: number, extra: Partial<LruOptions<string, string>> = {}) {
  const events: [string, string, EvictionReason][] = [];
  const clock = manualClock();
  const lru = new Lru<string, string>({
    maxBytes,
    sizeOf: (v) => v.length,
    onEvict: (k, v, reason) => events.push([k, v, reason]),
    now: clock.now,
    ...extra,
  });
  return { lru, events, clock };
}

describe('Lru', () => {
  it('stores and returns values, counting hits and misses', () => {
    const { lru } = byteLru(100);
    expect(lru.set('a', 'xx')).toBe(true);
    expect(lru.get('a')).toBe('xx');
    expect(lru.get('b')).toBeUndefined();
    expect(lru.stats()).toMatchObject({ hits: 1, misses: 1, items: 1, bytes: 2 });
  });

  it('evicts the least recently used entries once over maxBytes', () => {
    const { lru, events } = byteLru(10);
    lru.set('a', 'aaaa');
    lru.set('b', 'bbbb');
    lru.get('a'); // b is now the oldest
    lru.set('c', 'cccc');
    expect(lru.has('b')).toBe(false);
    expect([...lru.keys()]).toEqual(['c', 'a']);
    expect(events).toEqual([['b', 'bbbb', 'evict']]);
    expect(lru.stats()).toMatchObject({ evictions: 1, bytes: 8, items: 2 });
  });

  it('evicts as many entries as needed for a big one', () => {
    const { lru } = byteLru(10);
    for (const k of ['a', 'b', 'c', 'd', 'e']) lru.set(k, 'xx');
    lru.set('big', 'x'.repeat(9));
    expect([...lru.keys()]).toEqual(['big']);
    expect(lru.bytes).toBe(9);
  });

  it('refuses an entry larger than maxBytes, returning false and dropping the old value of that key', () => {
    const { lru, events } = byteLru(10);
    lru.set('a', 'old');
    lru.set('b', 'keep');
    expect(lru.set('a', 'x'.repeat(11))).toBe(false);
    expect(lru.has('a')).toBe(false);
    expect(lru.get('b')).toBe('keep');
    expect(events).toEqual([['a', 'old', 'replace']]);
    expect(lru.stats()).toMatchObject({ rejections: 1, bytes: 4, items: 1 });
  });

  it('accepts an entry of exactly maxBytes', () => {
    const { lru } = byteLru(10);
    lru.set('a', 'a');
    expect(lru.set('full', 'x'.repeat(10))).toBe(true);
    expect([...lru.keys()]).toEqual(['full']);
  });

  it('replaces a value, adjusting bytes and recency, and reports the old value', () => {
    const { lru, events } = byteLru(100);
    lru.set('a', 'one');
    lru.set('b', 'two');
    lru.set('a', 'three!');
    expect(lru.get('a')).toBe('three!');
    expect([...lru.keys()]).toEqual(['a', 'b']);
    expect(lru.bytes).toBe(9);
    expect(events).toEqual([['a', 'one', 'replace']]);
  });

  it('does not report a replace when the same value is set again', () => {
    const { lru, events } = byteLru(100);
    lru.set('a', 'same');
    lru.set('a', 'same');
    expect(events).toEqual([]);
  });

  it('peek and has do not change recency or counters', () => {
    const { lru } = byteLru(8);
    lru.set('a', 'aaaa');
    lru.set('b', 'bbbb');
    expect(lru.peek('a')).toBe('aaaa');
    expect(lru.has('a')).toBe(true);
    lru.set('c', 'cccc'); // a is still the oldest
    expect(lru.has('a')).toBe(false);
    expect(lru.stats()).toMatchObject({ hits: 0, misses: 0 });
  });

  it('expires entries lazily on read, with the default and per-entry ttl', () => {
    const { lru, events, clock } = byteLru(100, { ttlMs: 1_000 });
    lru.set('default', 'x');
    lru.set('short', 'y', { ttlMs: 100 });
    lru.set('forever', 'z', { ttlMs: 0 });
    clock.advance(100);
    expect(lru.get('short')).toBeUndefined();
    expect(lru.get('default')).toBe('x');
    clock.advance(900);
    expect(lru.peek('default')).toBeUndefined();
    expect(lru.has('default')).toBe(false);
    expect(lru.size).toBe(2); // peek and has do not remove
    expect(lru.get('default')).toBeUndefined();
    expect(lru.get('forever')).toBe('z');
    expect(events).toEqual([
      ['short', 'y', 'expire'],
      ['default', 'x', 'expire'],
    ]);
    expect(lru.stats()).toMatchObject({ expirations: 2, misses: 2, hits: 2, items: 1, bytes: 1 });
  });

  it('takes an absolute expiry instead of a TTL', () => {
    const { lru, clock } = byteLru(100);
    lru.set('a', 'x', { expiresAt: clock.now() + 250 });
    expect(lru.expiresAt('a')).toBe(clock.now() + 250);
    lru.set('b', 'y', { expiresAt: 0, ttlMs: 5 });
    expect(lru.expiresAt('b')).toBe(Infinity);
    expect(() => lru.set('c', 'z', { expiresAt: -1 })).toThrow(
      'Lru set expiresAt must be a finite number of ms >= 0, got -1',
    );
  });

  it('reports absolute expiry times', () => {
    const { lru, clock } = byteLru(100);
    lru.set('a', 'x', { ttlMs: 500 });
    lru.set('b', 'x');
    expect(lru.expiresAt('a')).toBe(clock.now() + 500);
    expect(lru.expiresAt('b')).toBe(Infinity);
    expect(lru.expiresAt('nope')).toBeUndefined();
    clock.advance(500);
    expect(lru.expiresAt('a')).toBeUndefined();
  });

  it('prune removes every expired entry and nothing else', () => {
    const { lru, events, clock } = byteLru(1_000);
    for (let i = 0; i < 10; i++) lru.set(`k${i}`, 'v', { ttlMs: i % 2 === 0 ? 50 : 5_000 });
    clock.advance(50);
    expect(lru.prune()).toBe(5);
    expect(lru.size).toBe(5);
    expect(events.every(([, , reason]) => reason === 'expire')).toBe(true);
    expect([...lru.keys()].sort()).toEqual(['k1', 'k3', 'k5', 'k7', 'k9']);
    expect(lru.prune()).toBe(0);
  });

  it('slotKeys goes on after the cache changed: removed keys are skipped, and none is met twice unless added again', () => {
    const { lru } = byteLru(1_000);
    for (let i = 0; i < 6; i++) lru.set(`k${i}`, 'v');
    const pass = lru.slotKeys();
    const met = [pass.next().value, pass.next().value];
    lru.delete('k4');
    lru.get('k5');
    lru.set('k6', 'v');
    met.push(...pass);
    expect(met).not.toContain('k4');
    expect(met.sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k5', 'k6']);
    lru.clear();
    expect([...lru.slotKeys()]).toEqual([]);
  });

  it('pruneKey removes one expired entry and leaves fresh ones', () => {
    const { lru, events, clock } = byteLru(100);
    lru.set('old', 'x', { ttlMs: 10 });
    lru.set('young', 'y', { ttlMs: 1_000 });
    expect(lru.pruneKey('old')).toBeUndefined();
    clock.advance(10);
    expect(lru.pruneKey('old')).toBe(clock.now());
    expect(lru.pruneKey('young')).toBeUndefined();
    expect(lru.pruneKey('absent')).toBeUndefined();
    expect(events).toEqual([['old', 'x', 'expire']]);
    expect(lru.stats()).toMatchObject({ expirations: 1, items: 1 });
  });

  it('delete and clear remove entries and report them', () => {
    const { lru, events } = byteLru(100);
    lru.set('a', '1');
    lru.set('b', '2');
    lru.set('c', '3');
    expect(lru.delete('a')).toBe(true);
    expect(lru.delete('a')).toBe(false);
    lru.clear();
    expect(lru.size).toBe(0);
    expect(lru.bytes).toBe(0);
    expect(events).toEqual([
      ['a', '1', 'delete'],
      ['b', '2', 'delete'],
      ['c', '3', 'delete'],
    ]);
    lru.set('d', '4');
    expect([...lru.keys()]).toEqual(['d']);
  });

  it('sizes string keys and byte values by default, in UTF-8 bytes', () => {
    const lru = new Lru<string, Uint8Array | string>({ maxBytes: 1_000 });
    lru.set('ü', new Uint8Array(10));
    expect(lru.bytes).toBe(2 + 10);
    lru.set('k', 'é€');
    expect(lru.bytes).toBe(12 + 1 + 5);
    const objects = new Lru<string, object>({ maxBytes: 100 });
    expect(() => objects.set('k', {})).toThrow(
      'Lru cannot size a value of type object: give a sizeOf option',
    );
    expect(objects.size).toBe(0);
  });

  it('lists the keys due by a time, expired ones included, and none that left or never expire', () => {
    const clock = manualClock(1_000);
    const lru = new Lru<string, string>({ maxBytes: 1 << 20, now: clock.now });
    lru.set('soon', 'x', { ttlMs: 500 });
    lru.set('later', 'x', { ttlMs: 5_000 });
    lru.set('never', 'x');
    lru.set('gone', 'x', { ttlMs: 100 });
    lru.delete('gone');
    lru.set('past', 'x', { expiresAt: 900 });
    expect(lru.dueBy(1_600).sort()).toEqual(['past', 'soon']);
    expect(lru.dueBy(10_000).sort()).toEqual(['later', 'past', 'soon']);
    expect(lru.dueBy(0)).toEqual([]);
  });

  it('grows past its initial capacity and reuses freed slots', () => {
    const lru = new Lru<string, string>({ maxBytes: 10_000, sizeOf: () => 1 });
    for (let i = 0; i < 5_000; i++) lru.set(`k${i}`, `v${i}`);
    for (let i = 0; i < 5_000; i += 2) lru.delete(`k${i}`);
    for (let i = 0; i < 2_500; i++) lru.set(`n${i}`, `w${i}`);
    expect(lru.size).toBe(5_000);
    for (let i = 1; i < 5_000; i += 2) expect(lru.get(`k${i}`)).toBe(`v${i}`);
    for (let i = 0; i < 2_500; i++) expect(lru.get(`n${i}`)).toBe(`w${i}`);
  });

  it('rejects invalid options and arguments with messages naming them, changing nothing', () => {
    expect(() => new Lru({ maxBytes: 0 })).toThrow('Lru option maxBytes must be a positive integer, got 0');
    expect(() => new Lru({ maxBytes: 1.5 })).toThrow(/maxBytes/);
    expect(() => new Lru({ maxBytes: 10, ttlMs: -1 })).toThrow(
      'Lru option ttlMs must be a finite number of ms >= 0, got -1',
    );
    expect(() => new Lru({ maxBytes: 10, sizeOf: 3 as never })).toThrow(
      'Lru option sizeOf must be a function, got number',
    );
    const { lru } = byteLru(10);
    lru.set('a', 'x');
    expect(() => lru.set('a', 'y', { ttlMs: Number.NaN })).toThrow(/ttlMs must be a finite number/);
    const bad = new Lru<string, string>({ maxBytes: 10, sizeOf: () => -1 });
    expect(() => bad.set('k', 'v')).toThrow('Lru sizeOf must return a finite number >= 0, got -1 for key k');
    expect(bad.size).toBe(0);
    expect(lru.get('a')).toBe('x');
  });

  it('stays consistent when onEvict throws', () => {
    const lru = new Lru<string, string>({
      maxBytes: 4,
      sizeOf: (v) => v.length,
      onEvict: () => {
        throw new Error('callback failed');
      },
    });
    lru.set('a', 'aa');
    lru.set('b', 'bb');
    expect(() => lru.set('c', 'cc')).toThrow('callback failed');
    expect(lru.bytes).toBe(4);
    expect([...lru.keys()]).toEqual(['c', 'b']);
  });

  it('matches a simple reference model under random operations', () => {
    type Op =
      | { op: 'set'; key: number; size: number; ttl: number }
      | { op: 'get' | 'delete'; key: number }
      | { op: 'tick'; ms: number }
      | { op: 'prune' };
    const key = fc.integer({ min: 0, max: 15 });
    const ops = fc.array(
      fc.oneof(
        fc.record({
          op: fc.constant('set' as const),
          key,
          size: fc.integer({ min: 0, max: 40 }),
          ttl: fc.constantFrom(0, 5, 20),
        }),
        fc.record({ op: fc.constantFrom('get' as const, 'delete' as const), key }),
        fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 10 }) }),
        fc.record({ op: fc.constant('prune' as const) }),
      ),
      { maxLength: 200 },
    );
    fc.assert(
      fc.property(ops, (script: Op[]) => {
        const clock = manualClock(0);
        const maxBytes = 64;
        const lru = new Lru<number, number>({ maxBytes, sizeOf: (v) => v, now: clock.now });
        // Reference: an array ordered oldest → newest.
        let model: { key: number; size: number; expires: number }[] = [];
        const live = (e: { expires: number }) => e.expires === 0 || e.expires > clock.now();
        for (const step of script) {
          if (step.op === 'set') {
            model = model.filter((e) => e.key !== step.key);
            const stored = lru.set(step.key, step.size, { ttlMs: step.ttl });
            expect(stored).toBe(step.size <= maxBytes);
            if (stored) {
              model.push({ key: step.key, size: step.size, expires: step.ttl ? clock.now() + step.ttl : 0 });
              while (model.reduce((s, e) => s + e.size, 0) > maxBytes) model.shift();
            }
          } else if (step.op === 'get') {
            const i = model.findIndex((e) => e.key === step.key);
            const entry = model[i];
            if (entry && live(entry)) {
              expect(lru.get(step.key)).toBe(entry.size);
              model.splice(i, 1);
              model.push(entry);
            } else {
              expect(lru.get(step.key)).toBeUndefined();
              if (entry) model.splice(i, 1);
            }
          } else if (step.op === 'delete') {
            expect(lru.delete(step.key)).toBe(model.some((e) => e.key === step.key));
            model = model.filter((e) => e.key !== step.key);
          } else if (step.op === 'tick') {
            clock.advance(step.ms);
          } else {
            lru.prune();
            model = model.filter(live);
          }
          expect(lru.bytes).toBe(model.reduce((s, e) => s + e.size, 0));
          expect(lru.bytes).toBeLessThanOrEqual(maxBytes);
          expect([...lru.keys()]).toEqual(model.map((e) => e.key).reverse());
        }
      }),
      { numRuns: 300 },
    );
  });
});
