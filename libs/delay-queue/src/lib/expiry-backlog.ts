import type { ExpiredKey } from '@ringcache/cache-core';

interface Entry {
  /** The etcd revision of the DELETE. */
  revision: bigint;
  key: ExpiredKey;
  /** When the event reached the worker (ms). */
  arrivedAtMs: number;
}

/**
 * Expired keys received from the watch and not yet delivered, in revision order, with the bookkeeping that
 * makes resuming exact: which revision may be stored as handled after a batch. One lease revocation deletes
 * many keys at one revision, and a batch may end in the middle of it; the stored revision must then stay
 * below that revision, or a new leader would skip the rest of it. etcd sends all events of a revision in one
 * watch response, so once a revision's first event is here, all of it is.
 */
export class ExpiryBacklog {
  private entries: Entry[] = [];
  private head = 0;
  private lastTaken?: bigint;

  /** Keys waiting. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** Arrival time of the oldest key waiting, or undefined when none. */
  get oldestArrivalMs(): number | undefined {
    return this.size > 0 ? this.entries[this.head].arrivedAtMs : undefined;
  }

  /** Adds a key; revisions must not decrease. */
  push(revision: bigint, key: ExpiredKey, arrivedAtMs: number): void {
    this.entries.push({ revision, key, arrivedAtMs });
  }

  /** Removes and returns up to `max` keys, oldest first, with the arrival time of the oldest. */
  take(max: number): { keys: ExpiredKey[]; oldestArrivalMs: number } | undefined {
    if (this.size === 0) return undefined;
    const taken = this.entries.slice(this.head, this.head + max);
    this.head += taken.length;
    // Compact now and then, so a long-running leader does not keep every delivered entry.
    if (this.head > 4_096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    this.lastTaken = taken[taken.length - 1].revision;
    return { keys: taken.map((e) => e.key), oldestArrivalMs: taken[0].arrivedAtMs };
  }

  /**
   * The highest revision all of whose keys have been taken: what may be stored as handled once the taken
   * keys are delivered. Undefined while empty and nothing was ever taken.
   */
  safeRevision(): bigint | undefined {
    // Everything below the oldest waiting revision was taken (and our prefix has no other events there).
    return this.size > 0 ? this.entries[this.head].revision - 1n : this.lastTaken;
  }

  /** Forgets everything waiting (a deposed leader's backlog: the next leader re-reads it from etcd). */
  clear(): void {
    this.entries = [];
    this.head = 0;
  }
}
