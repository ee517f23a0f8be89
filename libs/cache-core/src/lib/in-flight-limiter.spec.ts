import { InFlightLimiter } from './in-flight-limiter';

describe('InFlightLimiter', () => {
  it('admits up to max at once and refuses the next, counting it', () => {
    const limiter = new InFlightLimiter({ max: 2 });
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(false);
    expect(limiter.inFlight).toBe(2);
    expect(limiter.refused).toBe(1);
  });

  it('admits again once a request is released', () => {
    const limiter = new InFlightLimiter({ max: 1 });
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(false);
    limiter.release();
    expect(limiter.tryAcquire()).toBe(true);
  });

  it('never counts below zero on a stray release', () => {
    const limiter = new InFlightLimiter({ max: 1 });
    limiter.release();
    expect(limiter.inFlight).toBe(0);
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(false);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses max %p at construction', (max) => {
    expect(() => new InFlightLimiter({ max })).toThrow(`max must be an integer >= 1, got ${max}`);
  });

  it('says how many requests it holds', () => {
    expect(new InFlightLimiter({ max: 3 }).describe()).toBe(
      'overloaded: 3 requests in flight, try again shortly',
    );
  });
});
