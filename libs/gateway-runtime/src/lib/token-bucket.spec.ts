import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000));

  it('starts full: burst takes in a row, then says how long until the next token', () => {
    const bucket = new TokenBucket({ perSecond: 2, burst: 3, now: clock });
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]);
    expect(bucket.take()).toBe(500);
  });

  it('refills at perSecond, never above burst', () => {
    const bucket = new TokenBucket({ perSecond: 10, burst: 2, now: clock });
    bucket.take();
    bucket.take();
    now += 100;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(100);
    now += 60_000;
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 100]);
  });

  it('takes nothing when it refuses: waiting the time told is enough', () => {
    const bucket = new TokenBucket({ perSecond: 1, burst: 1, now: clock });
    bucket.take();
    expect(bucket.take()).toBe(1_000);
    now += 400;
    expect(bucket.take()).toBe(600);
    now += 600;
    expect(bucket.take()).toBe(0);
  });

  it.each([
    [{ perSecond: 0, burst: 1 }, 'perSecond must be a number > 0, got 0'],
    [{ perSecond: Number.POSITIVE_INFINITY, burst: 1 }, 'perSecond must be a number > 0, got Infinity'],
    [{ perSecond: 1, burst: 0 }, 'burst must be an integer >= 1, got 0'],
    [{ perSecond: 1, burst: 1.5 }, 'burst must be an integer >= 1, got 1.5'],
  ])('refuses %j at construction', (options, message) => {
    expect(() => new TokenBucket(options)).toThrow(message);
  });
});
