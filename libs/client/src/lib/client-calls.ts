import {
  InvalidArgumentError,
  MAX_BATCH_KEYS,
  type GetResponse,
  type Member,
  type PeerClient,
  type RingcacheError,
  type WriteResult,
} from '@ringcache/cache-core';

import type { ClientTransport } from './client-options';
import { BatchWriteError } from './errors';
import { asBuffer } from './request-values';

/** A batch write in parts of at most 1,000; rejects with BatchWriteError when some entries failed. */
export async function batchWrite<T, R extends object>(
  operation: string,
  items: T[],
  write: (part: T[]) => Promise<WriteResult<R>[]>,
): Promise<R[]> {
  if (items.length === 0) return [];
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_BATCH_KEYS) parts.push(items.slice(i, i + MAX_BATCH_KEYS));
  const results = (await Promise.all(parts.map(write))).flat();
  const failed = results.filter((r): r is { error: RingcacheError } => 'error' in r);
  if (failed.length > 0) {
    throw new BatchWriteError(
      `${operation}: ${failed.length} of ${items.length} entries not written: ${failed[0].error.message}`,
      results,
    );
  }
  return results as R[];
}

/** A key's answer with what the cluster knows about it. */
export type CacheEntry =
  | {
      found: true;
      value: Buffer;
      /** Absolute expiry in ms since the epoch; 0 = never. */
      expireAtMs: number;
      /** True when the value expired and is served only because reloading it failed (stale-on-error). */
      stale: boolean;
    }
  | {
      /** The source of truth has no such key; the owner caches that answer for the group's negative TTL. */
      found: false;
      /** When the cached "not found" expires, in ms since the epoch. */
      expireAtMs: number;
    };

/** The client's view of a GetResponse. */
export function entryOf(response: GetResponse): CacheEntry {
  return response.found
    ? {
        found: true,
        value: asBuffer(response.value),
        expireAtMs: response.expireAtMs,
        stale: response.stale === true,
      }
    : { found: false, expireAtMs: response.expireAtMs };
}

/**
 * `connect`, with the transport's options (`grpc` or `http`) checked now: the peer client validates them
 * when it is built, which for etcd discovery is when the first node appears — too late for a bad value to
 * fail at construction. Building one opens no connection.
 */
export function checkedConnector(
  transport: ClientTransport,
  connect: (member: Member) => PeerClient,
): (member: Member) => PeerClient {
  const probe: Member = { name: 'options-check', grpcAddress: '127.0.0.1:1', httpAddress: '127.0.0.1:1' };
  try {
    void connect(probe).close();
  } catch (error) {
    throw new InvalidArgumentError(`RingcacheClient option ${transport}: ${(error as Error).message}`);
  }
  return connect;
}
