import fc from 'fast-check';

import { HashRing } from './hash-ring';

/** Distinct member names, as nodes are named in practice (host:port or node names). */
const memberNames = (min: number, max: number) =>
  fc.uniqueArray(
    fc.oneof(
      fc.stringMatching(/^node-[a-z0-9]{1,12}$/),
      fc
        .tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 1024, max: 65535 }))
        .map(([a, b, p]) => `10.0.${a}.${b}:${p}`),
    ),
    { minLength: min, maxLength: max },
  );

function ringOf(members: string[], options = {}): HashRing {
  const ring = new HashRing(options);
  ring.set(members);
  return ring;
}

function keys(count: number, prefix = 'key'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}:${i}`);
}

describe('HashRing', () => {
  describe('shares', () => {
    it('is empty for an empty ring', () => {
      expect(new HashRing().shares().size).toBe(0);
    });

    it('sums to 1 and matches where keys actually go', () => {
      const ring = new HashRing();
      ring.set(['node-a', 'node-b', 'node-c', 'node-d']);
      const shares = ring.shares();
      expect([...shares.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      const counts = new Map<string, number>();
      const keys = 40_000;
      for (let i = 0; i < keys; i++) {
        const owner = ring.owner(`key-${i}`) as string;
        counts.set(owner, (counts.get(owner) ?? 0) + 1);
      }
      for (const [name, share] of shares)
        expect(Math.abs(share - (counts.get(name) ?? 0) / keys)).toBeLessThan(0.02);
    });

    it('follows membership', () => {
      const ring = new HashRing();
      ring.set(['a', 'b']);
      expect([...ring.shares().keys()]).toEqual(['a', 'b']);
      ring.remove('b');
      expect(ring.shares()).toEqual(new Map([['a', 1]]));
    });
  });

  it('has no owner while empty', () => {
    const ring = new HashRing();
    expect(ring.owner('a')).toBeUndefined();
    expect(ring.owners('a', 3)).toEqual([]);
    expect(ring.size).toBe(0);
    expect(ring.version).toMatch(/^[0-9a-f]{8}$/);
  });

  it('gives every key to the only member', () => {
    const ring = ringOf(['solo']);
    for (const key of keys(100)) expect(ring.owner(key)).toBe('solo');
    expect(ring.owners('x', 5)).toEqual(['solo']);
  });

  it('maps keys the same way in every process: fixed members and keys give fixed owners', () => {
    // Golden values: if this test fails, the hash or the ring layout changed, and two versions of ringcache
    // in one cluster would disagree on every key's owner.
    const ring = ringOf(['node-a', 'node-b', 'node-c']);
    expect(['Tom', 'Jack', 'Sam', 'scores/Tom', 'user:42', '日本'].map((k) => ring.owner(k))).toEqual(
      GOLDEN_OWNERS,
    );
    expect(ring.version).toBe(GOLDEN_VERSION);
  });

  it('is deterministic: insertion order and duplicates do not change owners or version', () => {
    fc.assert(
      fc.property(memberNames(1, 20), fc.array(fc.string(), { maxLength: 50 }), (members, sample) => {
        const a = new HashRing();
        a.set(members);
        const b = new HashRing();
        for (const m of [...members].reverse()) b.add(m, m);
        expect(b.version).toBe(a.version);
        expect(b.members()).toEqual(a.members());
        for (const key of sample) expect(b.owner(key)).toBe(a.owner(key));
      }),
      { numRuns: 50 },
    );
  });

  it('changes version with membership and with settings, not with order', () => {
    const base = ringOf(['a', 'b', 'c']);
    expect(ringOf(['c', 'b', 'a']).version).toBe(base.version);
    expect(ringOf(['a', 'b']).version).not.toBe(base.version);
    expect(ringOf(['a', 'b', 'c'], { vnodes: 100 }).version).not.toBe(base.version);
    expect(ringOf(['a', 'b', 'c'], { probes: 1 }).version).not.toBe(base.version);
  });

  it('gives each of 10 members a share within ±10 % of the mean over 1M keys (default settings)', () => {
    fc.assert(
      fc.property(memberNames(10, 10), (members) => {
        const ring = ringOf(members);
        const counts = new Map<string, number>();
        const total = 1_000_000;
        for (let i = 0; i < total; i++) {
          const owner = ring.owner(`k${i}`) as string;
          counts.set(owner, (counts.get(owner) ?? 0) + 1);
        }
        expect(counts.size).toBe(10);
        for (const count of counts.values()) {
          expect(Math.abs(count / (total / 10) - 1)).toBeLessThanOrEqual(0.1);
        }
      }),
      { numRuns: 4 },
    );
  });

  it('on adding member n+1 moves at most 1.1/(n+1) of keys, and only to the new member', () => {
    const sample = keys(100_000);
    fc.assert(
      fc.property(memberNames(2, 21), (names) => {
        const [newcomer, ...members] = names;
        const ring = ringOf(members);
        const before = sample.map((k) => ring.owner(k));
        ring.add(newcomer);
        let moved = 0;
        let movedElsewhere = 0;
        sample.forEach((key, i) => {
          const after = ring.owner(key);
          if (after !== before[i]) {
            moved++;
            if (after !== newcomer) movedElsewhere++;
          }
        });
        expect(movedElsewhere).toBe(0);
        expect(moved).toBeGreaterThan(0);
        expect(moved / sample.length).toBeLessThanOrEqual(1.1 / (members.length + 1));
      }),
      { numRuns: 25 },
    );
  });

  it("on removing a member moves only that member's keys", () => {
    const sample = keys(50_000);
    fc.assert(
      fc.property(memberNames(2, 20), fc.nat(), (members, pick) => {
        const ring = ringOf(members);
        const leaving = members[pick % members.length];
        const before = sample.map((k) => ring.owner(k));
        ring.remove(leaving);
        let wrongMoves = 0;
        let moved = 0;
        sample.forEach((key, i) => {
          const after = ring.owner(key);
          if (before[i] !== leaving && after !== before[i]) wrongMoves++;
          if (before[i] === leaving && after !== leaving) moved++;
        });
        expect(wrongMoves).toBe(0);
        expect(moved).toBe(before.filter((owner) => owner === leaving).length);
      }),
      { numRuns: 25 },
    );
  });

  it('lists fallback owners: distinct, owner first, each the owner once the previous ones leave', () => {
    fc.assert(
      fc.property(memberNames(1, 12), fc.string(), fc.integer({ min: 0, max: 15 }), (members, key, n) => {
        const ring = ringOf(members);
        const owners = ring.owners(key, n);
        expect(owners).toHaveLength(Math.min(n, members.length));
        expect(new Set(owners).size).toBe(owners.length);
        if (n > 0) expect(owners[0]).toBe(ring.owner(key));
        const shrinking = ringOf(members);
        for (const expected of owners) {
          expect(shrinking.owner(key)).toBe(expected);
          shrinking.remove(expected);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the classic ring order with one probe: fallbacks follow the ring clockwise', () => {
    const ring = ringOf(['a', 'b', 'c', 'd'], { probes: 1, vnodes: 1 });
    const owners = ring.owners('some-key', 4);
    expect(new Set(owners)).toEqual(new Set(['a', 'b', 'c', 'd']));
  });

  it('supports add, remove, has and members', () => {
    const ring = new HashRing();
    ring.add('b', 'a');
    expect(ring.members()).toEqual(['a', 'b']);
    expect(ring.has('a')).toBe(true);
    ring.remove('a', 'zzz');
    expect(ring.members()).toEqual(['b']);
    expect(ring.has('a')).toBe(false);
    const version = ring.version;
    ring.set(['b']);
    expect(ring.version).toBe(version);
  });

  it('rejects invalid options and members with messages naming them', () => {
    expect(() => new HashRing({ vnodes: 0 })).toThrow(
      'HashRing option vnodes must be an integer in [1, 10000], got 0',
    );
    expect(() => new HashRing({ vnodes: 1.5 })).toThrow(/vnodes/);
    expect(() => new HashRing({ probes: 65 })).toThrow(
      'HashRing option probes must be an integer in [1, 64], got 65',
    );
    const ring = new HashRing();
    expect(() => ring.add('')).toThrow('a ring member must be a non-empty string, got ""');
    expect(() => ring.add('a\nb')).toThrow(/newline/);
    expect(() => ring.owners('k', -1)).toThrow(/non-negative integer/);
    expect(ring.size).toBe(0);
  });

  it('keeps all members reachable at scale (1,000 members)', () => {
    const members = Array.from({ length: 1000 }, (_, i) => `node-${i}`);
    const ring = ringOf(members);
    const seen = new Set(keys(200_000).map((k) => ring.owner(k)));
    expect(seen.size).toBe(1000);
  });
});

const GOLDEN_OWNERS = ['node-b', 'node-c', 'node-a', 'node-b', 'node-c', 'node-b'];
const GOLDEN_VERSION = '0c266941';
