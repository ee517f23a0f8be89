import type { Member, Membership, MembershipListener } from '@ringcache/cache-core';

/**
 * Membership from a fixed list in configuration — ringcache without etcd (the "manual registration" of
 * the first groupcache deployments). The list never changes while the process runs; to change it,
 * restart the processes with a new list. Nodes with different lists still answer every request (one hop
 * at most), only less efficiently.
 */
export class StaticMembership implements Membership {
  private readonly list: Member[];

  constructor(members: Member[]) {
    const names = new Set<string>();
    for (const member of members) {
      if (!member.name) throw new Error('static membership: a member has no name');
      if (names.has(member.name))
        throw new Error(`static membership: node name ${member.name} appears twice`);
      names.add(member.name);
    }
    this.list = members.map((m) => ({ ...m }));
  }

  async start(): Promise<void> {
    // Nothing to fetch: the list is known from the start.
  }

  members(): Member[] {
    return this.list.map((m) => ({ ...m }));
  }

  onChange(_listener: MembershipListener): () => void {
    return () => undefined;
  }

  async stop(): Promise<void> {
    // Nothing to release.
  }
}
