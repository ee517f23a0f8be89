import { EtcdKeys } from '@ringcache/discovery';

import { TtlKeys } from './ttl-keys';
import { decodeTtlBatch, decodeTtlRecord, encodeTtlRecord, packTtlBatches } from './ttl-record';

describe('TtlKeys', () => {
  const keys = new TtlKeys(new EtcdKeys('blue'));

  it('lays keys out under the cluster root', () => {
    expect(keys.batch(1_700_000_000, 'node1', 'ab12.3')).toBe('ringcache/blue/ttl/1700000000/~node1/ab12.3');
    expect(keys.entry(1_700_000_000, 'scores', 'Tom')).toBe('ringcache/blue/ttl/1700000000/scores/Tom');
    expect(keys.revision).toBe('ringcache/blue/ttl-worker/revision');
    expect(keys.electionNamespace).toBe('ringcache/blue/');
  });

  it('parses what it lays out, keeping slashes inside the cache key', () => {
    expect(keys.parse(keys.batch(12, 'node1', 'ab.7'))).toEqual({
      kind: 'batch',
      second: 12,
      id: 'node1/ab.7',
    });
    expect(keys.parse(keys.entry(12, 'scores', 'a/b/c'))).toEqual({
      kind: 'entry',
      second: 12,
      group: 'scores',
      key: 'a/b/c',
    });
  });

  it('rejects keys that are not delay-queue entries', () => {
    for (const key of [
      'ringcache/green/ttl/12/g/k',
      'ringcache/blue/ttl/x/g/k',
      'ringcache/blue/ttl/12/g',
      'ringcache/blue/ttl/12/g/',
      'ringcache/blue/ttl/12//k',
      'ringcache/blue/ttl/12/~',
      'ringcache/blue/ttl//~node1/1',
    ]) {
      expect(keys.parse(key)).toBeUndefined();
    }
  });
});

describe('TtlBatch', () => {
  const entries = [
    { group: 'scores', key: 'Tom', expireAtMs: 1_700_000_000_123 },
    { group: 'g.2', key: 'a/"b"\n', expireAtMs: 1_700_000_000_999 },
  ];

  it('packs entries into one record that decodes to the same entries', () => {
    const [record, ...more] = packTtlBatches('node1', entries, 65_536);
    expect(more).toEqual([]);
    expect(record.items).toEqual(entries);
    expect(record.value).toBe(
      '{"owner":"node1","entries":[["scores","Tom",1700000000123],["g.2","a/\\"b\\"\\n",1700000000999]]}',
    );
    expect(decodeTtlBatch(record.value)).toEqual({ owner: 'node1', entries });
  });

  it('splits at the byte cap, in order, counting multi-byte keys in bytes', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({
      group: 'g',
      key: `ключ-${i}`,
      expireAtMs: 1_000 + i,
    }));
    const records = packTtlBatches('n', many, 512);
    expect(records.length).toBeGreaterThan(3);
    for (const r of records) expect(Buffer.byteLength(r.value)).toBeLessThanOrEqual(512);
    expect(records.flatMap((r) => r.items)).toEqual(many);
    expect(records.flatMap((r) => decodeTtlBatch(r.value)?.entries)).toEqual(many);
    expect(packTtlBatches('n', [], 512)).toEqual([]);
  });

  it('keeps a key longer than the cap, alone in its record', () => {
    const long = { group: 'g', key: 'x'.repeat(1_000), expireAtMs: 5 };
    const records = packTtlBatches('n', [entries[0], long, entries[1]], 512);
    expect(records.map((r) => r.items)).toEqual([[entries[0]], [long], [entries[1]]]);
  });

  it('refuses values that are not batches, and leaves out entries that are not [group, key, ms]', () => {
    for (const bad of [
      '',
      '{',
      'null',
      '{"owner":"a"}',
      '{"owner":1,"entries":[]}',
      '{"owner":"a","entries":[]}',
    ]) {
      expect(decodeTtlBatch(bad)).toBeUndefined();
    }
    const mixed =
      '{"owner":"a","entries":[["g","k",1],["g","k2"],["g",3,4],["g","k5",1.5],"x",["g","k6",6]]}';
    expect(decodeTtlBatch(mixed)?.entries).toEqual([
      { group: 'g', key: 'k', expireAtMs: 1 },
      { group: 'g', key: 'k6', expireAtMs: 6 },
    ]);
  });
});

describe('TtlRecord (single-key records of older nodes)', () => {
  it('round-trips, and refuses values that are not records', () => {
    const text = encodeTtlRecord({ owner: 'node1', expireAtMs: 1234 });
    expect(text).toBe('{"owner":"node1","expireAtMs":1234}');
    expect(decodeTtlRecord(text)).toEqual({ owner: 'node1', expireAtMs: 1234 });
    for (const bad of ['', 'null', '{"owner":1,"expireAtMs":1}', '{"owner":"a","expireAtMs":"1"}', '{']) {
      expect(decodeTtlRecord(bad)).toBeUndefined();
    }
  });
});
