import { LeaseBuckets } from './lease-buckets';

const settings = { minLeaseTtlSeconds: 2, leadMs: 500, safetyMs: 250 };

describe('LeaseBuckets', () => {
  it('puts a key into its own expiry second, whose lease ends before the second begins', () => {
    const buckets = new LeaseBuckets(settings);
    const now = 1_000_200;
    expect(buckets.bucketFor(1_010_700, now)).toBe(1_010);
    // Target 1,009,500: 9.3 s away, rounded down to 9 s — the lease ends at 1,009,200, early rather than late.
    expect(buckets.ttlFor(1_010, now)).toBe(9);
  });

  it('sends a key due sooner than the shortest lease to the first bucket a new lease can reach', () => {
    const buckets = new LeaseBuckets(settings);
    const now = 1_000_200;
    // Due in 1.3 s: its own second (1,001) cannot get a lease ending on time; 2 s + 0.5 s lead → 1,003.
    expect(buckets.earliestNewBucket(now)).toBe(1_003);
    expect(buckets.bucketFor(1_001_500, now)).toBe(1_003);
    expect(buckets.ttlFor(1_003, now)).toBe(2);
  });

  it('lets a short key join an earlier bucket whose lease is already granted and still alive', () => {
    const buckets = new LeaseBuckets(settings);
    buckets.remember(1_001, 'L1001', 3, 997_500); // ends at 1,000,500
    buckets.remember(1_002, 'L1002', 4, 997_500); // ends at 1,001,500
    expect(buckets.bucketFor(1_001_100, 1_000_100)).toBe(1_001);
    // 200 ms before the end is inside the safety margin: the next live bucket takes it.
    expect(buckets.bucketFor(1_001_100, 1_000_300)).toBe(1_002);
    expect(buckets.lease(1_002, 1_000_300)).toBe('L1002');
  });

  it('forgets leases once they have ended, and on demand', () => {
    const buckets = new LeaseBuckets(settings);
    buckets.remember(5, 'a', 2, 1_000);
    buckets.remember(6, 'b', 3, 1_000);
    expect(buckets.forgetPast(3_000)).toBe(1);
    expect(buckets.size).toBe(1);
    buckets.forget(6);
    expect(buckets.lease(6, 0)).toBeUndefined();
  });

  it('never asks for less than the minimum TTL, and bounds the search for keys long past due', () => {
    const buckets = new LeaseBuckets(settings);
    expect(buckets.ttlFor(10, 9_999)).toBe(2);
    expect(buckets.bucketFor(0, 1_000_000)).toBe(1_003);
  });
});
