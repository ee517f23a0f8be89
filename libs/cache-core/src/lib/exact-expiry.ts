/** Granularity of the timers, in ms: keys due within the same slice share one timer. */
const SLICE_MS = 10;

/**
 * Removes entries at their exact expiry when the delay queue announces them a little early (its buckets
 * are whole seconds): keys due in the same 10 ms slice share one unref'd timer, so a batch of thousands
 * of keys costs about a hundred timers, not thousands.
 */
export class ExactExpiry {
  private readonly slices = new Map<number, Set<string>>();

  constructor(
    private readonly remove: (key: string) => void,
    private readonly now: () => number,
  ) {}

  /** Calls `remove(key)` once `atMs` has passed. */
  schedule(key: string, atMs: number): void {
    // The first slice strictly after `atMs`: an entry expires when the clock has passed its time.
    const slice = (Math.floor(atMs / SLICE_MS) + 1) * SLICE_MS;
    let keys = this.slices.get(slice);
    if (!keys) {
      keys = new Set();
      this.slices.set(slice, keys);
      const timer = setTimeout(() => this.fire(slice), Math.max(0, slice - this.now()));
      timer.unref();
    }
    keys.add(key);
  }

  /** Keys waiting for their timer. */
  get pending(): number {
    let n = 0;
    for (const keys of this.slices.values()) n += keys.size;
    return n;
  }

  private fire(slice: number): void {
    const keys = this.slices.get(slice);
    this.slices.delete(slice);
    if (keys) for (const key of keys) this.remove(key);
  }
}
