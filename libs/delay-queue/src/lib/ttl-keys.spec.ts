import { EtcdKeys } from '@ringcache/discovery';

import { TtlKeys } from './ttl-keys';
import { decodeTtlRecord, encodeTtlRecord } from './ttl-record';

describe('TtlKeys', () => {
  const keys = new TtlKeys(new EtcdKeys('blue'));

  it('lays keys out under the cluster root', () => {
    expect(keys.entry(1_700_000_000, 'scores', 'Tom')).toBe('ringcache/blue/ttl/1700000000/scores/Tom');
    expect(keys.revision).toBe('ringcache/blue/ttl-worker/revision');
    expect(keys.electionNamespace).toBe('ringcache/blue/');
  });

  it('parses what it lays out, keeping slashes inside the cache key', () => {
    expect(keys.parse(keys.entry(12, 'scores', 'a/b/c'))).toEqual({
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
    ]) {
      expect(keys.parse(key)).toBeUndefined();
    }
  });
});

describe('TtlRecord', () => {
  it('round-trips, and refuses values that are not records', () => {
    const text = encodeTtlRecord({ owner: 'node1', expireAtMs: 1234 });
    expect(text).toBe('{"owner":"node1","expireAtMs":1234}');
    expect(decodeTtlRecord(text)).toEqual({ owner: 'node1', expireAtMs: 1234 });
    for (const bad of ['', 'null', '{"owner":1,"expireAtMs":1}', '{"owner":"a","expireAtMs":"1"}', '{']) {
      expect(decodeTtlRecord(bad)).toBeUndefined();
    }
  });
});
