/**
 * Batches gathered by id until the end of the current turn of the event loop (setImmediate), or for a
 * window of ms after the first item, then each handed to `send`. A batch can also be sent early (full).
 *
 * With `maxInFlight`, at most that many sends are under way at once: while they are, new items keep
 * joining the pending batches, which go out as soon as one ends — group commit. Under a light load every
 * batch leaves at the end of its turn, as without a limit; under a heavy one the batches grow with the
 * load instead of the number of calls, which is what each call costs the peer and this process.
 */
export class TurnBatches<B> {
  private pending = new Map<string, B>();
  private timer?: NodeJS.Immediate | NodeJS.Timeout;
  private inFlight = 0;

  constructor(
    private readonly windowMs: number,
    private readonly send: (batch: B) => Promise<unknown>,
    private readonly maxInFlight = Infinity,
  ) {}

  /** The pending batch of `id`, made by `create` when there is none; the flush is armed. */
  batch(id: string, create: () => B): B {
    let batch = this.pending.get(id);
    if (!batch) {
      batch = create();
      this.pending.set(id, batch);
    }
    if (this.timer === undefined && this.inFlight < this.maxInFlight) {
      this.timer =
        this.windowMs === 0
          ? setImmediate(() => this.sendAll())
          : setTimeout(() => this.sendAll(), this.windowMs);
    }
    return batch;
  }

  /** Sends `id`'s batch now (it is full), whatever is in flight. */
  sendNow(id: string): void {
    const batch = this.pending.get(id);
    if (batch === undefined) return;
    this.pending.delete(id);
    this.start(batch);
  }

  /** Sends every pending batch now, whatever is in flight (closing). */
  flush(): void {
    this.disarm();
    this.sendAll(true);
  }

  private disarm(): void {
    // Each clear function takes only its own kind: the other would corrupt its queue.
    if (this.windowMs === 0) clearImmediate(this.timer as NodeJS.Immediate | undefined);
    else clearTimeout(this.timer as NodeJS.Timeout | undefined);
    this.timer = undefined;
  }

  /** Sends the pending batches while calls may start; the rest wait for one to end. */
  private sendAll(all = false): void {
    this.timer = undefined;
    for (const [id, batch] of this.pending) {
      if (!all && this.inFlight >= this.maxInFlight) return;
      this.pending.delete(id);
      this.start(batch);
    }
  }

  private start(batch: B): void {
    this.inFlight++;
    let sent: Promise<unknown>;
    try {
      sent = this.send(batch);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent
      // `send` settles its own callers; nothing is left to do with its failure here.
      .catch(() => undefined)
      .then(() => {
        this.inFlight--;
        if (this.pending.size > 0 && this.timer === undefined) this.sendAll();
      });
  }
}
