/** A cached answer: a value, or `undefined` for "not found". */
export interface Entry {
  value: Buffer | undefined;
  /** Absolute expiry in ms since the epoch; 0 = never. Past it the entry is stale, not yet gone. */
  expireAtMs: number;
}

/**
 * Bytes each entry costs beyond its key and value, counted against the budget so that the budget bounds
 * the process's memory, not only the values: the index's Map slot and the LRU's arrays, the entry object,
 * the Buffer and ArrayBuffer objects of the value, and the allocator's bookkeeping of its backing store.
 * Measured on Node 20 (x64): one group filled with 300,000 entries grew RSS by 1,674 bytes an entry for
 * 1 KiB values, by 748 for 100-byte values — about 640 beyond key and value either way (`npm run bench`
 * reports it again on every run, in the memory table).
 */
export const ENTRY_OVERHEAD_BYTES = 640;

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
  return entryBytes(key, entry.value?.byteLength ?? 0);
}

/** Size against the budget of an entry of `key` holding `valueBytes` bytes. */
export function entryBytes(key: string, valueBytes: number): number {
  return ENTRY_OVERHEAD_BYTES + Buffer.byteLength(key) + valueBytes;
}
