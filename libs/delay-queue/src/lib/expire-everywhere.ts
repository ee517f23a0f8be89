import type { ExpiredKey, PeerClient } from '@ringcache/cache-core';

/** How one fan-out went. */
export interface FanoutResult {
  /** `ok`: every node answered; `partial`: some did not; `failed`: none did; `no_nodes`: none known. */
  result: 'ok' | 'partial' | 'failed' | 'no_nodes';
  /** Nodes asked. */
  asked: number;
  /** The nodes that did not answer, with why. */
  failures: { peer: string; error: Error }[];
}

/**
 * Sends one Expire call with `keys` to every node, in parallel, each with its own deadline. Every node gets
 * every key: the owner holds the main copy, and any node may hold a hot copy. Never throws: a node that
 * does not answer is reported (it is dropped from the ring if it is dead; its entries still expire lazily).
 * An empty `keys` list is the sweep request sent after a compaction.
 */
export async function expireEverywhere(
  peers: readonly PeerClient[],
  keys: ExpiredKey[],
  deadlineMs: number,
): Promise<FanoutResult> {
  if (peers.length === 0) return { result: 'no_nodes', asked: 0, failures: [] };
  const settled = await Promise.allSettled(peers.map((peer) => peer.expire({ keys }, { deadlineMs })));
  const failures: FanoutResult['failures'] = [];
  settled.forEach((outcome, i) => {
    if (outcome.status === 'rejected') {
      const error = outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
      failures.push({ peer: peers[i].name, error });
    }
  });
  const result = failures.length === 0 ? 'ok' : failures.length === peers.length ? 'failed' : 'partial';
  return { result, asked: peers.length, failures };
}
