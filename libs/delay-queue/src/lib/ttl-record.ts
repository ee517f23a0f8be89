/**
 * The value of a delay-queue key: who scheduled it and its exact expiry. The expiry travels in the value
 * (not only as the bucket second in the key) so the worker can tell nodes the exact time — a node then
 * keeps an entry that was set again since, to expire later, and drops the others at their exact expiry.
 */
export interface TtlRecord {
  /** Name of the node that scheduled the expiry (the key's owner when it was set). */
  owner: string;
  /** Expiry in ms since the epoch. */
  expireAtMs: number;
}

/** The JSON stored in etcd. */
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
