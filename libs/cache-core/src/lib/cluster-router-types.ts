import type { RingcacheError } from './errors';
import type { PeerSet } from './peer-set';

/** Options of a {@link ClusterRouter}. */
export interface ClusterRouterOptions {
  /** The caller's view of the cluster: a ring of the nodes (the caller is not on it). */
  peers: PeerSet;
  /** Deadline of each call to a node, in ms. */
  deadlineMs: number;
  /** Longest key in UTF-8 bytes. */
  maxKeyBytes: number;
  /** A new flush generation for a group (etcd, or the clock). */
  nextGeneration: (group: string) => Promise<number>;
}

/** One item's outcome of a batched write: its answer, or the error of its owner. */
export type WriteResult<R> = R | { error: RingcacheError };

/** Per-request options of a {@link ClusterRouter} call. */
export interface RouteOptions {
  /** The client request's id, sent with every call to a node (see request-id.ts). Default none. */
  requestId?: string;
}

/** Counters of a cluster router. */
export interface ClusterRouterStats {
  /** Calls to owners, by result. */
  upstream: { ok: number; unavailable: number; error: number };
  /** Requests sent to the next owner because the owner was unreachable. */
  fallbacks: number;
  /** Requests that failed because no owner answered. */
  unavailable: number;
}

/** What a flush did. */
export interface FlushResult {
  generation: number;
  /** Nodes that applied it now. */
  nodes: number;
  /** Nodes that did not answer; they apply it from etcd when they can (static lists: on restart). */
  unreachable: string[];
}
