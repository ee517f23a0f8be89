import { GRPCOutOfRangeError, type Etcd3 } from 'etcd3';

import type { TtlKeys } from './ttl-keys';

/**
 * The leader's progress in etcd: the last revision whose expiries were delivered, so that a restarted or
 * new leader resumes where the last one stopped. Writes are fenced by the writer's campaign key — a leader
 * that lost its election (and does not know yet) cannot move the stored revision.
 */
export class RevisionStore {
  constructor(
    private readonly client: Etcd3,
    private readonly keys: TtlKeys,
  ) {}

  /** The stored revision (undefined if none yet) and etcd's current revision. */
  async read(): Promise<{ stored?: bigint; current: bigint }> {
    const response = await this.client.get(this.keys.revision).exec();
    const text = response.kvs[0]?.value.toString();
    const stored = text !== undefined && /^\d+$/.test(text) ? BigInt(text) : undefined;
    return { stored, current: BigInt(response.header.revision) };
  }

  /** Stores `revision` if `fenceKey` (the writer's campaign key) still exists; false when it does not. */
  async save(revision: bigint, fenceKey: string): Promise<boolean> {
    const result = await this.client
      .if(fenceKey, 'Create', '>', 0)
      .then(this.client.put(this.keys.revision).value(revision.toString()))
      .commit();
    return result.succeeded;
  }

  /** True when etcd has compacted away `revision` (its events can no longer be watched). */
  async isCompacted(revision: bigint): Promise<boolean> {
    try {
      await this.client.get(this.keys.revision).revision(revision.toString()).exec();
      return false;
    } catch (error) {
      if (error instanceof GRPCOutOfRangeError && /compacted/.test(error.message)) return true;
      throw error;
    }
  }

  /**
   * The oldest revision in (`compacted`, `current`] that can still be read — where a watch can start after
   * a compaction. etcd reports compaction without saying up to where, so this bisects (about 30 reads at
   * worst; each a few ms).
   */
  async oldestAvailable(compacted: bigint, current: bigint): Promise<bigint> {
    let low = compacted; // compacted
    let high = current; // readable
    while (high - low > 1n) {
      const middle = (low + high) / 2n;
      if (await this.isCompacted(middle)) low = middle;
      else high = middle;
    }
    return high;
  }
}
