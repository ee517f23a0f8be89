import type { Member } from './membership';
import { PeerSet } from './peer-set';
import type { PeerClient } from './protocol';

function member(name: string, port = 8001): Member {
  return { name, grpcAddress: `127.0.0.1:${port}`, httpAddress: `127.0.0.1:${port + 100}` };
}

function tracking() {
  const created: string[] = [];
  const closed: string[] = [];
  const connect = (m: Member): PeerClient => {
    created.push(`${m.name}@${m.grpcAddress}`);
    const fail = () => Promise.reject(new Error('unused'));
    return {
      name: m.name,
      get: fail,
      getMany: fail,
      set: fail,
      setMany: fail,
      deleteMany: fail,
      delete: fail,
      flush: fail,
      expire: fail,
      close: async () => void closed.push(`${m.name}@${m.grpcAddress}`),
    };
  };
  return { created, closed, connect };
}

describe('PeerSet', () => {
  it('routes to self or to one reused client per remote member', () => {
    const t = tracking();
    const set = new PeerSet({ self: 'a', connect: t.connect });
    expect(set.update([member('a', 8001), member('b', 8002), member('c', 8003)])).toBe(true);
    expect(t.created).toEqual(['b@127.0.0.1:8002', 'c@127.0.0.1:8003']);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const [first, second] = set.route(`scores/k${i}`);
      const name = first === 'self' ? 'a' : first.name;
      expect(name).toBe(set.owner(`scores/k${i}`));
      expect(set.route(`scores/k${i}`, 1)).toEqual([first]);
      expect(second === 'self' ? 'a' : second.name).not.toBe(name);
      seen.add(name);
    }
    expect(seen).toEqual(new Set(['a', 'b', 'c']));
    expect(set.members().map((m) => m.name)).toEqual(['a', 'b', 'c']);
    set.update([]);
    expect(set.route('scores/k0', 1)).toEqual([]);
  });

  it('keeps clients across updates, replaces them when the address changes, closes them on leave', async () => {
    const t = tracking();
    const set = new PeerSet({ self: 'a', connect: t.connect });
    set.update([member('a'), member('b', 8002), member('c', 8003)]);
    const version = set.ringVersion;
    expect(set.update([member('c', 8003), member('b', 8002), member('a')])).toBe(false);
    expect(set.ringVersion).toBe(version);
    expect(t.created).toHaveLength(2);
    set.update([member('a'), member('b', 9002)]);
    await new Promise((r) => setImmediate(r));
    expect(t.created).toEqual(['b@127.0.0.1:8002', 'c@127.0.0.1:8003', 'b@127.0.0.1:9002']);
    expect(t.closed.sort()).toEqual(['b@127.0.0.1:8002', 'c@127.0.0.1:8003']);
    expect(set.client('b')?.name).toBe('b');
    expect(set.client('c')).toBeUndefined();
  });

  it('routes nothing while empty and everything to peers when not a member itself', async () => {
    const t = tracking();
    const gateway = new PeerSet({ connect: t.connect });
    expect(gateway.route('scores/k')).toEqual([]);
    gateway.update([member('a'), member('b', 8002)]);
    expect(gateway.route('scores/k').every((step) => step !== 'self')).toBe(true);
    await gateway.close();
    expect(t.closed).toHaveLength(2);
    expect(gateway.size).toBe(0);
  });

  it('agrees with another process given the same members in another order', () => {
    const one = new PeerSet({ self: 'a', connect: tracking().connect });
    const two = new PeerSet({ connect: tracking().connect });
    one.update([member('a'), member('b', 8002), member('c', 8003)]);
    two.update([member('c', 8003), member('a'), member('b', 8002)]);
    expect(two.ringVersion).toBe(one.ringVersion);
    for (let i = 0; i < 100; i++) expect(two.owner(`k${i}`)).toBe(one.owner(`k${i}`));
  });
});
