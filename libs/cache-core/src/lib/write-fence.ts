/**
 * Keeps a load that was in flight when its key was written (Set, Delete, Expire) or its group flushed
 * from storing its now outdated answer. Every write takes a new epoch; a load notes the epoch it started
 * in and may store its result only if no write of its key, and no flush, happened since.
 *
 * A key's write epoch is remembered only while some flight for the key may still be running, and
 * forgotten once the last one ends, so the map holds at most the keys in flight.
 */
export class WriteFence {
  private epoch = 0;
  private flushedAt = 0;
  private readonly writtenAt = new Map<string, number>();

  /** The epoch a load starts in. */
  begin(): number {
    return this.epoch;
  }

  /** Records a write of `key`; `inFlight` says whether a load or fetch of it may be running. */
  write(key: string, inFlight: boolean): void {
    const at = ++this.epoch;
    if (inFlight) this.writtenAt.set(key, at);
  }

  /** Records a flush of the whole group. */
  flush(): void {
    this.flushedAt = ++this.epoch;
    this.writtenAt.clear();
  }

  /** True when a load of `key` started at `startedAt` may store its answer. */
  current(key: string, startedAt: number): boolean {
    return this.flushedAt <= startedAt && (this.writtenAt.get(key) ?? 0) <= startedAt;
  }

  /** Called when a flight of `key` ends; `stillInFlight` says whether a newer one runs. */
  settled(key: string, stillInFlight: boolean): void {
    if (!stillInFlight) this.writtenAt.delete(key);
  }

  /** Keys remembered now (for tests and stats). */
  get size(): number {
    return this.writtenAt.size;
  }
}
