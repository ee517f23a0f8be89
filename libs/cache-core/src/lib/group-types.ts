import type { LruStats } from '@ringcache/lru';

import type { GetResponse } from './protocol';

/** How a get was answered, as counted in `ringcache_gets_total{outcome}`. */
export type GetOutcome = 'hit' | 'hot' | 'peer' | 'load' | 'stale' | 'not_found' | 'error';

/** A get's answer, with how it was obtained. */
export interface GroupGetResult extends GetResponse {
  outcome: GetOutcome;
}

/** Options of Group.get. */
export interface GetOptions {
  /** Answer a copy of the cached bytes (true), or the cache's own (false: write them out, never change them). Default true. */
  copy?: boolean;
}

/** What an Expire call did with one key. */
export type ExpireResult = 'removed' | 'scheduled' | 'kept';

/** Counters of a group. */
export interface GroupStats {
  gets: Record<GetOutcome, number>;
  loads: { ok: number; not_found: number; error: number };
  /** Peer calls that failed as unavailable, fallbacks to the next owner, and local loads as a last resort. */
  peers: { ok: number; unavailable: number; fallbacks: number; lastResort: number };
  /** Writes served here as the owner (sets, deletes) and flushes applied. */
  writes: { sets: number; deletes: number; flushes: number };
  /**
   * Invalidations sent to other nodes after a write, those that did not reach their node, and writes that
   * needed none (no other node could hold a copy: see PeerCopies).
   */
  invalidations: { sent: number; failed: number; skipped: number };
  /** Entries removed by active expiry (now, or by a timer at their exact expiry). */
  activeExpirations: number;
  /** Gets that joined a load or peer fetch already in flight on this node. */
  coalesced: number;
  /** The group's flush generation on this node. */
  generation: number;
  /** The memory budget of the main and hot caches together, in bytes. */
  maxBytes: number;
  main: LruStats;
  hot: LruStats;
}
