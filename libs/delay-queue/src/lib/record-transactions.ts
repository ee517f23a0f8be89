import type { IRequestOp } from 'etcd3';

import type { ExpiredKey } from '@ringcache/cache-core';

import type { TtlKeys } from './ttl-keys';
import { packTtlBatches } from './ttl-record';

/** Bytes of record keys and values in one transaction: well under etcd's default `--max-request-bytes` (1.5 MiB). */
export const MAX_TXN_BYTES = 1024 * 1024;

/** One etcd transaction of a flush: its puts, the schedules they carry, and their buckets. */
export interface RecordTxn<T extends ExpiredKey> {
  ops: IRequestOp[];
  items: T[];
  buckets: Set<number>;
  bytes: number;
}

/** How {@link recordTransactions} names and sizes records. */
export interface RecordLayout {
  owner: string;
  keys: TtlKeys;
  maxRecordBytes: number;
  maxOpsPerTxn: number;
  /** A record id never used before by any node of the cluster. */
  nextId: () => string;
}

/**
 * The puts of one flush: per bucket (with its lease), the keys packed into records of at most
 * `maxRecordBytes` of JSON, each under a key of its own (`ttl/<second>/~<owner>/<id>`); the records gathered
 * into transactions of at most `maxOpsPerTxn` puts and MAX_TXN_BYTES. Buckets without a lease are left out.
 */
export function recordTransactions<T extends ExpiredKey>(
  byBucket: Map<number, T[]>,
  leaseOf: Map<number, string>,
  layout: RecordLayout,
): RecordTxn<T>[] {
  const txns: RecordTxn<T>[] = [];
  let txn: RecordTxn<T> | undefined;
  for (const [bucket, items] of byBucket) {
    const lease = leaseOf.get(bucket);
    if (lease === undefined) continue;
    for (const record of packTtlBatches(layout.owner, items, layout.maxRecordBytes)) {
      const key = Buffer.from(layout.keys.batch(bucket, layout.owner, layout.nextId()));
      const value = Buffer.from(record.value);
      const bytes = key.length + value.length;
      if (!txn || txn.ops.length >= layout.maxOpsPerTxn || txn.bytes + bytes > MAX_TXN_BYTES) {
        txn = { ops: [], items: [], buckets: new Set(), bytes: 0 };
        txns.push(txn);
      }
      txn.ops.push({ request_put: { key, value, lease } });
      for (const item of record.items) txn.items.push(item);
      txn.buckets.add(bucket);
      txn.bytes += bytes;
    }
  }
  return txns;
}
