import type { ExpiredKey } from '@ringcache/cache-core';

/**
 * The value of a batch record (`ttl/<second>/~<owner>/<id>`): who scheduled the keys, and each key with its
 * exact expiry. The expiry travels in the value (not only as the bucket second in the key) so the worker can
 * tell nodes the exact time — a node then keeps an entry that was set again since, to expire later, and
 * drops the others at their exact expiry. Stored as `{"owner":"node1","entries":[["group","key",ms],…]}`.
 */
export interface TtlBatch {
  /** Name of the node that scheduled the expiries (the keys' owner when they were set). */
  owner: string;
  entries: ExpiredKey[];
}

/** One record to write: its JSON and the schedules it carries. */
export interface PackedBatch<T extends ExpiredKey> {
  value: string;
  items: T[];
}

/**
 * Packs `items` into batch records of at most `maxBytes` of JSON each — a record holds at least one item, so
 * one key longer than that still gets its record. Items keep their order.
 */
export function packTtlBatches<T extends ExpiredKey>(
  owner: string,
  items: T[],
  maxBytes: number,
): PackedBatch<T>[] {
  const head = `{"owner":${JSON.stringify(owner)},"entries":[`;
  const records: PackedBatch<T>[] = [];
  let pieces: string[] = [];
  let batchItems: T[] = [];
  let bytes = head.length + 2;
  const close = () => {
    records.push({ value: `${head}${pieces.join(',')}]}`, items: batchItems });
    pieces = [];
    batchItems = [];
    bytes = head.length + 2;
  };
  for (const item of items) {
    const piece = JSON.stringify([item.group, item.key, item.expireAtMs]);
    const size = Buffer.byteLength(piece) + 1;
    if (pieces.length > 0 && bytes + size > maxBytes) close();
    pieces.push(piece);
    batchItems.push(item);
    bytes += size;
  }
  if (pieces.length > 0) close();
  return records;
}

/**
 * The batch in a stored value, or undefined when the value is not one (written by someone else). Entries
 * that are not `[group, key, ms]` are left out; a record with none left is not a batch.
 */
export function decodeTtlBatch(text: string): TtlBatch | undefined {
  let value: { owner?: unknown; entries?: unknown } | null;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value?.owner !== 'string' || !Array.isArray(value.entries)) return undefined;
  const entries: ExpiredKey[] = [];
  for (const entry of value.entries as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 3) continue;
    const [group, key, expireAtMs] = entry as unknown[];
    if (typeof group === 'string' && typeof key === 'string' && Number.isSafeInteger(expireAtMs))
      entries.push({ group, key, expireAtMs: expireAtMs as number });
  }
  return entries.length > 0 ? { owner: value.owner, entries } : undefined;
}

/**
 * The value of a single-key record (`ttl/<second>/<group>/<key>`), as nodes before batch records wrote it:
 * `{"owner":"node1","expireAtMs":1732612345678}`.
 */
export interface TtlRecord {
  /** Name of the node that scheduled the expiry (the key's owner when it was set). */
  owner: string;
  /** Expiry in ms since the epoch. */
  expireAtMs: number;
}

/** The JSON of a single-key record (tests write such records, as an older node would). */
export function encodeTtlRecord(record: TtlRecord): string {
  return JSON.stringify({ owner: record.owner, expireAtMs: record.expireAtMs });
}

/** The record in a stored value, or undefined when the value is not one (written by someone else). */
export function decodeTtlRecord(text: string): TtlRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<TtlRecord> | null;
    if (typeof value?.owner !== 'string' || !Number.isSafeInteger(value.expireAtMs)) return undefined;
    return { owner: value.owner, expireAtMs: value.expireAtMs as number };
  } catch {
    return undefined;
  }
}
