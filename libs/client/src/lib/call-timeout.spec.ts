import { withTimeout } from './call-timeout';

describe('withTimeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('settles like the work when it is in time, leaving no timer', async () => {
    await expect(withTimeout(Promise.resolve(1), 100, () => new Error('late'))).resolves.toBe(1);
    await expect(
      withTimeout(Promise.reject(new Error('boom')), 100, () => new Error('late')),
    ).rejects.toThrow('boom');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with the timeout error when the work is late, and ignores its late outcome', async () => {
    let fail: (error: Error) => void = () => undefined;
    const work = new Promise<number>((_, reject) => (fail = reject));
    const bounded = withTimeout(work, 100, () => new Error('no answer within 100 ms'));
    jest.advanceTimersByTime(100);
    await expect(bounded).rejects.toThrow('no answer within 100 ms');
    // A late rejection is handled (no unhandled rejection), and changes nothing.
    fail(new Error('late failure'));
    await Promise.resolve();
    await expect(bounded).rejects.toThrow('no answer within 100 ms');
  });
});
