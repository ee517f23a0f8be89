/** A cache node as the cluster knows it. The ring routes by `name`, never by address. */
export interface Member {
  /** Unique node name; the ring member. */
  name: string;
  /** host:port of the node's gRPC peer endpoint. */
  grpcAddress: string;
  /** host:port of the node's HTTP endpoint (peer protocol, health, metrics). */
  httpAddress: string;
  /** Free-form facts (version, zone, ...). */
  metadata?: Record<string, string>;
}

/** Called with the whole current member list whenever it changes. */
export type MembershipListener = (members: Member[]) => void;

/**
 * A source of cluster membership: a static list, or etcd. `start` resolves once the first list is known;
 * listeners get the full list on every change (not deltas), so a missed event cannot leave them wrong.
 */
export interface Membership {
  start(): Promise<void>;
  members(): Member[];
  onChange(listener: MembershipListener): () => void;
  stop(): Promise<void>;
}
