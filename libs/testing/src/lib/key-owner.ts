import { HashRing } from '@ringcache/consistent-hash';

/**
 * Which member owns a group's key, computed the way every ringcache process computes it: the ring key
 * `<group>/<key>` on a HashRing over the member names with the default settings (160 vnodes, 8 probes,
 * as the processes a test starts use). A test can then aim at one node's keys without asking the cluster,
 * so a fault it injects is sure to touch the keys it checks.
 */
export class KeyOwners {
  private readonly ring = new HashRing();

  /** A ring over `members` (node names such as node1..nodeN). */
  constructor(members: Iterable<string>) {
    this.ring.set(members);
  }

  /** The owner of `key` in `group`. */
  owner(group: string, key: string): string {
    const owner = this.ring.owner(`${group}/${key}`);
    if (owner === undefined) throw new Error('no members: no key has an owner');
    return owner;
  }

  /** The owner of `key`, then the member that takes the key if the owner leaves. */
  owners(group: string, key: string, n = 2): string[] {
    return this.ring.owners(`${group}/${key}`, n);
  }

  /** The first `count` of `candidates` owned by `member`; throws when there are fewer. */
  keysOf(member: string, group: string, candidates: Iterable<string>, count: number): string[] {
    if (!this.ring.has(member)) throw new Error(`${member} is not a member`);
    const keys: string[] = [];
    for (const key of candidates) {
      if (keys.length === count) break;
      if (this.owner(group, key) === member) keys.push(key);
    }
    if (keys.length < count)
      throw new Error(`only ${keys.length} of the candidates belong to ${member}, wanted ${count}`);
    return keys;
  }
}
