import type { ExpiredKey, ExpiryScheduler } from '@ringcache/cache-core';

import { integerOption } from './errors';

/** The time source of a {@link TimerWheel}: real timers by default, a fake one in tests. */
export interface WheelClock {
  now(): number;
  /** Calls `fn` after `ms`; the returned handle goes to clearTimeout. Must not keep the process alive. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Real time, with unref'd timers: a pending expiry never keeps a process from exiting. */
export const systemClock: WheelClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Options of a {@link TimerWheel}. */
export interface TimerWheelOptions {
  /** Receives the keys of each second as it begins (at most `batchMaxKeys` per call). Errors are counted. */
  onExpire: (keys: ExpiredKey[]) => void;
  /** Most keys per onExpire call. Default 1,000. */
  batchMaxKeys?: number;
  /** Default: real time. */
  clock?: WheelClock;
}

/** Counters of a {@link TimerWheel}. */
export interface TimerWheelStats {
  scheduled: number;
  /** Keys handed to onExpire. */
  expired: number;
  /** Keys waiting. */
  pending: number;
  /** onExpire calls that threw. */
  errors: number;
}

/**
 * Active expiry without etcd (static membership): the same contract as the delay queue, in process. Keys
 * sit in per-second buckets; one timer, for the earliest bucket, fires as that second begins and hands its
 * keys to `onExpire` — like the delay queue, at or just before each key is due, so the node drops each at
 * its exact expiry by its own timer. A key scheduled again moves to its new second (one entry per key).
 */
export class TimerWheel implements ExpiryScheduler {
  private readonly onExpire: (keys: ExpiredKey[]) => void;
  private readonly batchMaxKeys: number;
  private readonly clock: WheelClock;
  /** second → (group/key → key); the index says which second holds each key. */
  private readonly buckets = new Map<number, Map<string, ExpiredKey>>();
  private readonly index = new Map<string, number>();
  private readonly counters = { scheduled: 0, expired: 0, errors: 0 };
  private timer?: unknown;
  /** The second the timer is set for. */
  private timerSecond?: number;

  constructor(options: TimerWheelOptions) {
    this.onExpire = options.onExpire;
    this.batchMaxKeys = integerOption('TimerWheel', 'batchMaxKeys', options.batchMaxKeys ?? 1_000, 1);
    this.clock = options.clock ?? systemClock;
  }

  schedule(group: string, key: string, expireAtMs: number): void {
    this.counters.scheduled++;
    if (!Number.isFinite(expireAtMs)) return;
    const id = `${group}/${key}`;
    const second = Math.floor(expireAtMs / 1000);
    const previous = this.index.get(id);
    if (previous !== undefined && previous !== second) this.buckets.get(previous)?.delete(id);
    let bucket = this.buckets.get(second);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(second, bucket);
    }
    bucket.set(id, { group, key, expireAtMs });
    this.index.set(id, second);
    if (this.timerSecond === undefined || second < this.timerSecond) this.arm(second);
  }

  /** A snapshot of the counters. */
  stats(): TimerWheelStats {
    return { ...this.counters, pending: this.index.size };
  }

  /** Cancels the timer and forgets every key. */
  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerSecond = undefined;
    this.buckets.clear();
    this.index.clear();
  }

  private arm(second: number): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timerSecond = second;
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, second * 1000 - this.clock.now()));
  }

  /** Hands over every bucket whose second has begun, then sets the timer for the next one. */
  private fire(): void {
    this.timer = undefined;
    this.timerSecond = undefined;
    const current = Math.floor(this.clock.now() / 1000);
    const due = [...this.buckets.keys()].filter((s) => s <= current).sort((a, b) => a - b);
    const keys: ExpiredKey[] = [];
    for (const second of due) {
      for (const [id, expired] of this.buckets.get(second) as Map<string, ExpiredKey>) {
        keys.push(expired);
        this.index.delete(id);
      }
      this.buckets.delete(second);
    }
    for (let i = 0; i < keys.length; i += this.batchMaxKeys) {
      const batch = keys.slice(i, i + this.batchMaxKeys);
      this.counters.expired += batch.length;
      try {
        this.onExpire(batch);
      } catch {
        this.counters.errors++;
      }
    }
    let next: number | undefined;
    for (const second of this.buckets.keys()) if (next === undefined || second < next) next = second;
    // onExpire may have scheduled keys (and set the timer) meanwhile: keep whichever second comes first.
    if (next !== undefined && (this.timerSecond === undefined || next < this.timerSecond)) this.arm(next);
  }
}
