import { ExpiryBacklog } from './expiry-backlog';

const key = (k: string) => ({ group: 'g', key: k, expireAtMs: 0 });

describe('ExpiryBacklog', () => {
  it('stores no revision that a batch split in two', () => {
    const backlog = new ExpiryBacklog();
    // One lease revocation: three keys at revision 10; then one at 11.
    backlog.push(10n, key('a'), 1);
    backlog.push(10n, key('b'), 1);
    backlog.push(10n, key('c'), 1);
    backlog.push(11n, key('d'), 2);
    expect(new ExpiryBacklog().safeRevision()).toBeUndefined();
    expect(backlog.take(2)?.keys.map((k) => k.key)).toEqual(['a', 'b']);
    expect(backlog.safeRevision()).toBe(9n);
    expect(backlog.take(2)?.keys.map((k) => k.key)).toEqual(['c', 'd']);
    expect(backlog.safeRevision()).toBe(11n);
    expect(backlog.take(2)).toBeUndefined();
  });

  it('reports the oldest arrival and forgets on clear', () => {
    const backlog = new ExpiryBacklog();
    backlog.push(5n, key('a'), 100);
    backlog.push(6n, key('b'), 200);
    expect(backlog.oldestArrivalMs).toBe(100);
    expect(backlog.take(1)?.oldestArrivalMs).toBe(100);
    expect(backlog.oldestArrivalMs).toBe(200);
    backlog.clear();
    expect(backlog.size).toBe(0);
    expect(backlog.safeRevision()).toBe(5n);
  });

  it('keeps working across its internal compaction', () => {
    const backlog = new ExpiryBacklog();
    for (let i = 0; i < 10_000; i++) backlog.push(BigInt(i + 1), key(String(i)), i);
    let taken = 0;
    for (let batch = backlog.take(1_000); batch; batch = backlog.take(1_000)) taken += batch.keys.length;
    expect(taken).toBe(10_000);
    expect(backlog.safeRevision()).toBe(10_000n);
  });
});
