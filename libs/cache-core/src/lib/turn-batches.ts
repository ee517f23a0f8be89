/**
 * Batches gathered by id until the end of the current turn of the event loop (setImmediate), or for a
 * window of ms after the first item, then each handed to `send`. A batch can also be sent early (full).
 */
export class TurnBatches<B> {
  private pending = new Map<string, B>();
  private timer?: NodeJS.Immediate | NodeJS.Timeout;

  constructor(
    private readonly windowMs: number,
    private readonly send: (batch: B) => void,
  ) {}

  /** The pending batch of `id`, made by `create` when there is none; the flush is armed. */
  batch(id: string, create: () => B): B {
    let batch = this.pending.get(id);
    if (!batch) {
      batch = create();
      this.pending.set(id, batch);
    }
    if (this.timer === undefined) {
      this.timer =
        this.windowMs === 0
          ? setImmediate(() => this.sendAll())
          : setTimeout(() => this.sendAll(), this.windowMs);
    }
    return batch;
  }

  /** Sends `id`'s batch now, before the turn ends. */
  sendNow(id: string): void {
    const batch = this.pending.get(id);
    if (batch === undefined) return;
    this.pending.delete(id);
    this.send(batch);
  }

  /** Sends every pending batch now (closing). */
  flush(): void {
    // Each clear function takes only its own kind: the other would corrupt its queue.
    if (this.windowMs === 0) clearImmediate(this.timer as NodeJS.Immediate | undefined);
    else clearTimeout(this.timer as NodeJS.Timeout | undefined);
    this.sendAll();
  }

  private sendAll(): void {
    this.timer = undefined;
    const batches = this.pending;
    this.pending = new Map();
    for (const batch of batches.values()) this.send(batch);
  }
}
