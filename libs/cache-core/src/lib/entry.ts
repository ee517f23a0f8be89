/** A cached answer: a value, or `undefined` for "not found". */
export interface Entry {
  value: Buffer | undefined;
  /** Absolute expiry in ms since the epoch; 0 = never. Past it the entry is stale, not yet gone. */
  expireAtMs: number;
}

/**
 * Bytes of bookkeeping per entry (Map slot, entry object, Buffer header), counted against the budget so
 * that many small entries cannot overrun it.
 */
export const ENTRY_OVERHEAD_BYTES = 160;

/** The value bytes of a "not found" answer. */
export const EMPTY = Buffer.alloc(0);

/** A private copy outside Node's shared buffer pool, so a cached value never pins a pool slab. */
export function copyBytes(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

/** Size of an entry against the group's budget. */
export function entrySize(entry: Entry, key: string): number {
  return ENTRY_OVERHEAD_BYTES + Buffer.byteLength(key) + (entry.value?.byteLength ?? 0);
}
