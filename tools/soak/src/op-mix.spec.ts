import { FuzzRandom } from '@ringcache/testing';

import {
  BATCH_KEYS,
  OP_WEIGHTS,
  OpMix,
  rowsFor,
  soakKey,
  TTL_SECONDS,
  VALUE_BYTES,
  type Op,
  type OpKind,
} from './op-mix';

function draw(count: number, keys = 10_000, seed = 7): Op[] {
  const mix = new OpMix(keys, new FuzzRandom(seed));
  return Array.from({ length: count }, () => mix.next());
}

describe('OpMix', () => {
  it('draws each kind about as often as its weight says', () => {
    const ops = draw(50_000);
    const counts = new Map<OpKind, number>();
    for (const op of ops) counts.set(op.kind, (counts.get(op.kind) ?? 0) + 1);
    for (const [kind, weight] of Object.entries(OP_WEIGHTS)) {
      expect((counts.get(kind as OpKind) ?? 0) / ops.length).toBeCloseTo(weight / 100, 1);
    }
  });

  it('gives writes a value size, and a TTL only to writes that carry one', () => {
    for (const op of draw(5_000)) {
      const write = op.kind === 'gateway-set' || op.kind.endsWith('-set-ttl');
      expect(op.valueBytes !== undefined).toBe(write);
      if (write) expect(op.valueBytes).toBeGreaterThanOrEqual(VALUE_BYTES.min);
      if (write) expect(op.valueBytes).toBeLessThanOrEqual(VALUE_BYTES.max);
      expect(op.ttlSeconds !== undefined).toBe(op.kind.endsWith('-ttl'));
      if (op.ttlSeconds !== undefined) expect(op.ttlSeconds).toBeGreaterThanOrEqual(TTL_SECONDS.min);
      if (op.ttlSeconds !== undefined) expect(op.ttlSeconds).toBeLessThanOrEqual(TTL_SECONDS.max);
    }
  });

  it('asks batches for several keys and the rest for one', () => {
    for (const op of draw(2_000)) {
      expect(op.keys).toHaveLength(op.kind.includes('batch') || op.kind.includes('many') ? BATCH_KEYS : 1);
    }
  });

  it('spreads keys over the whole space, with a hot set asked often', () => {
    const keys = draw(20_000).flatMap((op) => op.keys);
    const hot = keys.filter((k) => k < soakKey(100)).length / keys.length;
    expect(hot).toBeGreaterThan(0.25);
    expect(new Set(keys).size).toBeGreaterThan(5_000);
    expect(keys.every((k) => k >= soakKey(0) && k <= soakKey(9_999))).toBe(true);
    expect(keys.some((k) => k >= soakKey(rowsFor(10_000)))).toBe(true);
  });

  it('repeats itself for one seed', () => {
    expect(draw(100, 10_000, 3)).toEqual(draw(100, 10_000, 3));
    expect(draw(100, 10_000, 3)).not.toEqual(draw(100, 10_000, 4));
  });
});
