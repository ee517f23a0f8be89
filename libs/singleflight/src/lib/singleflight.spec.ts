import { Singleflight } from './singleflight';

/** A promise with its resolve and reject exposed. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Singleflight', () => {
  it('runs fn once for 10,000 concurrent callers and gives them all the same result', async () => {
    const flight = new Singleflight<string, { n: number }>();
    const gate = deferred<{ n: number }>();
    let calls = 0;
    const fn = () => {
      calls++;
      return gate.promise;
    };
    const waiters = Array.from({ length: 10_000 }, () => flight.do('k', fn));
    expect(flight.has('k')).toBe(true);
    gate.resolve({ n: 42 });
    const results = await Promise.all(waiters);
    expect(calls).toBe(1);
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toEqual({ n: 42 });
    expect(flight.stats()).toEqual({ executions: 1, coalesced: 9_999, inFlight: 0 });
  });

  it('runs different keys independently', async () => {
    const flight = new Singleflight<string, string>();
    const results = await Promise.all(
      ['a', 'b', 'a', 'c', 'b'].map((k) => flight.do(k, async () => k.toUpperCase())),
    );
    expect(results).toEqual(['A', 'B', 'A', 'C', 'B']);
    expect(flight.stats().executions).toBe(3);
  });

  it('gives a rejection to every waiter and frees the key for the next call', async () => {
    const flight = new Singleflight<string, number>();
    const gate = deferred<number>();
    const waiters = Array.from({ length: 10_000 }, () => flight.do('k', () => gate.promise));
    gate.reject(new Error('database down'));
    const settled = await Promise.allSettled(waiters);
    expect(
      settled.every((s) => s.status === 'rejected' && (s.reason as Error).message === 'database down'),
    ).toBe(true);
    expect(flight.has('k')).toBe(false);
    await expect(flight.do('k', async () => 7)).resolves.toBe(7);
    expect(flight.stats().executions).toBe(2);
  });

  it('turns a synchronous throw into a rejection for every waiter, then frees the key', async () => {
    const flight = new Singleflight<string, number>();
    const boom = () => {
      throw new Error('sync boom');
    };
    const first = flight.do('k', boom);
    const second = flight.do('k', () => 1);
    await expect(first).rejects.toThrow('sync boom');
    await expect(second).rejects.toThrow('sync boom');
    expect(flight.has('k')).toBe(false);
    await expect(flight.do('k', () => 2)).resolves.toBe(2);
  });

  it('accepts synchronous results', async () => {
    const flight = new Singleflight<string, number>();
    await expect(flight.do('k', () => 5)).resolves.toBe(5);
  });

  it('runs again after a call settles: results are shared, not cached', async () => {
    const flight = new Singleflight<string, number>();
    let n = 0;
    expect(await flight.do('k', async () => ++n)).toBe(1);
    expect(await flight.do('k', async () => ++n)).toBe(2);
  });

  it('coalesces slow calls only while they are in flight', async () => {
    const flight = new Singleflight<string, number>();
    let calls = 0;
    const slow = () =>
      new Promise<number>((resolve) => {
        calls++;
        setTimeout(() => resolve(calls), 20);
      });
    const a = flight.do('k', slow);
    await new Promise((r) => setTimeout(r, 5));
    const b = flight.do('k', slow);
    expect(await a).toBe(1);
    expect(await b).toBe(1);
    expect(await flight.do('k', slow)).toBe(2);
  });

  it('forget lets a new call start while old waiters keep the old result', async () => {
    const flight = new Singleflight<string, string>();
    const old = deferred<string>();
    const first = flight.do('k', () => old.promise);
    flight.forget('k');
    expect(flight.has('k')).toBe(false);
    const fresh = flight.do('k', async () => 'new');
    old.resolve('old');
    expect(await first).toBe('old');
    expect(await fresh).toBe('new');
    // The old call settling must not free the key held by the newer call.
    const newer = deferred<string>();
    const third = flight.do('k', () => newer.promise);
    const stale = deferred<string>();
    flight.forget('k');
    const fourth = flight.do('k', () => stale.promise);
    newer.resolve('x');
    await third;
    expect(flight.has('k')).toBe(true);
    stale.resolve('y');
    expect(await fourth).toBe('y');
    expect(flight.has('k')).toBe(false);
  });

  it('supports non-string keys', async () => {
    const flight = new Singleflight<number, number>();
    await expect(Promise.all([flight.do(1, () => 10), flight.do(1, () => 11)])).resolves.toEqual([10, 10]);
  });

  it('forgetAll frees every key while old waiters keep their calls', async () => {
    const flight = new Singleflight<string, string>();
    const a = flight.do('a', async () => 'old-a');
    flight.do('b', async () => 'old-b');
    flight.forgetAll();
    expect(flight.has('a') || flight.has('b')).toBe(false);
    expect(await flight.do('a', async () => 'new-a')).toBe('new-a');
    expect(await a).toBe('old-a');
  });
});
