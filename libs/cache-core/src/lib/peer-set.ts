import { HashRing, type HashRingOptions } from '@ringcache/consistent-hash';

import type { Member } from './membership';
import type { PeerClient } from './protocol';

/** Where to send a key: this node itself, or a remote peer. */
export type RouteStep = 'self' | PeerClient;

/** Chooses which nodes serve a key. */
export interface PeerPicker {
  /** This process's ring version, sent with every peer request. */
  readonly ringVersion: string;
  /**
   * The nodes to ask for a ring key, in order: its owner, then the next owner (who takes the key if the
   * owner leaves). At most `attempts` entries; empty when the ring is empty.
   */
  route(ringKey: string, attempts?: number): RouteStep[];
  /** Every remote member's client: where an owner sends invalidations. */
  others(): PeerClient[];
}

/** A picker for a node alone: every key is its own. */
export const noPeers: PeerPicker = { ringVersion: '', route: () => ['self'], others: () => [] };

/** Options of a {@link PeerSet}. */
export interface PeerSetOptions {
  /** This node's name, when the process is a member itself (a cache node); absent for gateways. */
  self?: string;
  /** Creates the client for a remote member. Called once per member (again if its address changes). */
  connect: (member: Member) => PeerClient;
  /** Ring settings; the defaults of HashRing. Every process of a cluster must use the same. */
  ring?: HashRingOptions;
}

/**
 * The live cluster as one process sees it: a hash ring over member names plus one reused client per
 * remote member. `update` applies a new member list (from static config or etcd), creating clients for
 * newcomers and closing those of members that left.
 */
export class PeerSet implements PeerPicker {
  private readonly ring: HashRing;
  private readonly self?: string;
  private readonly connect: (member: Member) => PeerClient;
  private current = new Map<string, { member: Member; client?: PeerClient }>();

  constructor(options: PeerSetOptions) {
    this.ring = new HashRing(options.ring);
    this.self = options.self;
    this.connect = options.connect;
  }

  get ringVersion(): string {
    return this.ring.version;
  }

  /** Number of members on the ring. */
  get size(): number {
    return this.ring.size;
  }

  /** The members, sorted by name. */
  members(): Member[] {
    return this.ring.members().map((name) => (this.current.get(name) as { member: Member }).member);
  }

  /** The owner's name for a ring key, or undefined when the ring is empty. */
  owner(ringKey: string): string | undefined {
    return this.ring.owner(ringKey);
  }

  /** Each member's share of the keyspace, by name (see HashRing.shares). */
  shares(): Map<string, number> {
    return this.ring.shares();
  }

  /** The client of a remote member. */
  client(name: string): PeerClient | undefined {
    return this.current.get(name)?.client;
  }

  route(ringKey: string, attempts = 2): RouteStep[] {
    return this.ring.owners(ringKey, attempts).map((name) => this.step(name));
  }

  others(): PeerClient[] {
    return [...this.current.values()].flatMap((entry) => (entry.client ? [entry.client] : []));
  }

  private step(name: string): RouteStep {
    if (name === this.self) return 'self';
    return (this.current.get(name) as { client: PeerClient }).client;
  }

  /** Applies a new member list; returns true when the ring changed. */
  update(members: Member[]): boolean {
    const next = new Map<string, { member: Member; client?: PeerClient }>();
    const retired: PeerClient[] = [];
    for (const member of members) {
      if (next.has(member.name)) continue;
      const known = this.current.get(member.name);
      const sameAddress =
        known &&
        known.member.grpcAddress === member.grpcAddress &&
        known.member.httpAddress === member.httpAddress;
      if (member.name === this.self) {
        next.set(member.name, { member });
      } else if (known && sameAddress) {
        next.set(member.name, { member, client: known.client });
      } else {
        if (known?.client) retired.push(known.client);
        next.set(member.name, { member, client: this.connect(member) });
      }
    }
    for (const [name, known] of this.current) {
      if (!next.has(name) && known.client) retired.push(known.client);
    }
    this.current = next;
    const before = this.ring.version;
    this.ring.set(next.keys());
    // In-flight calls on a retired client fail as unavailable and fall back to the next owner.
    for (const client of retired) void client.close().catch(() => undefined);
    return this.ring.version !== before;
  }

  /** Closes every client. */
  async close(): Promise<void> {
    const clients = [...this.current.values()].flatMap((entry) => (entry.client ? [entry.client] : []));
    this.current.clear();
    this.ring.set([]);
    await Promise.allSettled(clients.map((client) => client.close()));
  }
}
