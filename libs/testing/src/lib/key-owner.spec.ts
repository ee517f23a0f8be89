import { HashRing } from '@ringcache/consistent-hash';

import { KeyOwners } from './key-owner';

describe('KeyOwners', () => {
  const members = ['node1', 'node2', 'node3'];
  const owners = new KeyOwners(members);
  const ring = new HashRing();
  ring.set(members);
  const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);

  it('agrees with a HashRing over the same members on the ring key <group>/<key>', () => {
    for (const key of keys) expect(owners.owner('items', key)).toBe(ring.owner(`items/${key}`));
    expect(owners.owners('items', 'k1')).toEqual(ring.owners('items/k1', 2));
  });

  it('picks keys of one member, in the order given', () => {
    const picked = owners.keysOf('node2', 'items', keys, 5);
    expect(picked).toEqual(keys.filter((k) => ring.owner(`items/${k}`) === 'node2').slice(0, 5));
  });

  it('says so when too few candidates belong to the member, or it is no member', () => {
    expect(() => owners.keysOf('node1', 'items', ['k1', 'k2'], 3)).toThrow(/^only [0-2] of the candidates/);
    expect(() => owners.keysOf('node9', 'items', keys, 1)).toThrow('node9 is not a member');
  });
});
