import type { ExpiredKey } from '@ringcache/cache-core';

import { InvalidOptionError } from './errors';
import { TimerWheel, type WheelClock } from './timer-wheel';

/** A clock that moves only when told, firing due timers in time order. */
class FakeClock implements WheelClock {
  time = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers set now. */
  get armed(): number {
    return this.timers.size;
  }

  advanceTo(time: number): void {
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= time)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = time;
  }
}

function wheel(batchMaxKeys?: number) {
  const clock = new FakeClock();
  const calls: { at: number; keys: ExpiredKey[] }[] = [];
  const w = new TimerWheel({
    onExpire: (keys) => calls.push({ at: clock.now(), keys }),
    clock,
    batchMaxKeys,
  });
  return { clock, calls, w };
}

describe('TimerWheel', () => {
  it('hands over the keys of each second as that second begins, with their exact expiry', () => {
    const { clock, calls, w } = wheel();
    clock.time = 10_000;
    w.schedule('g', 'a', 12_300);
    w.schedule('g', 'b', 12_999);
    w.schedule('g', 'c', 13_000);
    clock.advanceTo(11_999);
    expect(calls).toEqual([]);
    clock.advanceTo(12_000);
    expect(calls).toEqual([
      {
        at: 12_000,
        keys: [
          { group: 'g', key: 'a', expireAtMs: 12_300 },
          { group: 'g', key: 'b', expireAtMs: 12_999 },
        ],
      },
    ]);
    clock.advanceTo(13_000);
    expect(calls[1]).toEqual({ at: 13_000, keys: [{ group: 'g', key: 'c', expireAtMs: 13_000 }] });
    expect(w.stats()).toEqual({ scheduled: 3, expired: 3, pending: 0, errors: 0 });
  });

  it('keeps a single timer, moved earlier when an earlier second arrives', () => {
    const { clock, calls, w } = wheel();
    w.schedule('g', 'late', 50_000);
    w.schedule('g', 'later', 90_000);
    expect(clock.armed).toBe(1);
    w.schedule('g', 'early', 5_500);
    expect(clock.armed).toBe(1);
    clock.advanceTo(5_000);
    expect(calls.map((c) => c.keys.map((k) => k.key))).toEqual([['early']]);
    expect(clock.armed).toBe(1);
  });

  it('moves a key scheduled again to its new second, once', () => {
    const { clock, calls, w } = wheel();
    w.schedule('g', 'k', 2_000);
    w.schedule('g', 'k', 7_400);
    expect(w.stats().pending).toBe(1);
    clock.advanceTo(6_999);
    expect(calls.flatMap((c) => c.keys)).toEqual([]);
    clock.advanceTo(7_000);
    expect(calls.flatMap((c) => c.keys)).toEqual([{ group: 'g', key: 'k', expireAtMs: 7_400 }]);
  });

  it('hands over keys already due at once, in batches of batchMaxKeys', () => {
    const { clock, calls, w } = wheel(2);
    clock.time = 100_000;
    for (const key of ['a', 'b', 'c', 'd', 'e']) w.schedule('g', key, 99_000);
    clock.advanceTo(100_000);
    expect(calls.map((c) => c.keys.length)).toEqual([2, 2, 1]);
  });

  it('tells keys of different groups apart', () => {
    const { clock, calls, w } = wheel();
    w.schedule('a', 'k', 1_000);
    w.schedule('b', 'k', 1_000);
    clock.advanceTo(1_000);
    expect(calls[0].keys.map((k) => k.group)).toEqual(['a', 'b']);
  });

  it('survives a throwing callback, counting it, and carries on with later seconds', () => {
    const clock = new FakeClock();
    let calls = 0;
    const w = new TimerWheel({
      clock,
      onExpire: () => {
        calls++;
        throw new Error('boom');
      },
    });
    w.schedule('g', 'a', 1_000);
    w.schedule('g', 'b', 2_000);
    clock.advanceTo(2_000);
    expect(calls).toBe(2);
    expect(w.stats().errors).toBe(2);
  });

  it('arms the next second even when the callback schedules a later key', () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    const w: TimerWheel = new TimerWheel({
      clock,
      onExpire: (keys) => {
        seen.push(...keys.map((k) => k.key));
        if (keys.some((k) => k.key === 'a')) w.schedule('g', 'z', 9_000);
      },
    });
    w.schedule('g', 'a', 1_000);
    w.schedule('g', 'b', 3_000);
    clock.advanceTo(9_000);
    expect(seen).toEqual(['a', 'b', 'z']);
  });

  it('ignores a non-finite expiry and forgets everything on stop', () => {
    const { clock, calls, w } = wheel();
    w.schedule('g', 'nan', Number.NaN);
    w.schedule('g', 'k', 1_000);
    w.stop();
    expect(clock.armed).toBe(0);
    clock.advanceTo(5_000);
    expect(calls).toEqual([]);
    expect(w.stats().pending).toBe(0);
  });

  it('rejects a bad batch size at construction', () => {
    expect(() => new TimerWheel({ onExpire: () => undefined, batchMaxKeys: 0 })).toThrow(
      new InvalidOptionError('TimerWheel', 'batchMaxKeys', 0, 'an integer >= 1'),
    );
  });
});
