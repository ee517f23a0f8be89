import { InvalidArgumentError, UnknownGroupError } from './errors';
import { Group } from './group';
import { GroupRegistry } from './group-registry';
import { found, loaderFn, notFound } from './loader';
import { PeerService } from './peer-service';
import type { PeerPicker } from './peer-set';
import { InProcessPeer } from '../testing/in-process-peer';

const loader = loaderFn(async (key: string) => (key === 'nobody' ? notFound : found(`v-${key}`)));

function group(options: { now?: () => number; hotKeyCapacity?: number; peers?: PeerPicker } = {}): Group {
  return new Group({ name: 'scores', maxBytes: 1 << 20, loader, ...options });
}

describe('Group hot keys', () => {
  it('counts the requests clients make, whatever answers them', async () => {
    let now = 0;
    const g = group({ now: () => now });
    for (let i = 0; i < 5; i++) await g.get('Tom');
    await g.get('nobody');
    await g.getMany(['Sam', 'Tom'], { hops: 0, ringVersion: '' });
    now = 60_000;
    const hot = g.hotKeys(10);
    expect(hot.map((h) => h.key)).toEqual(['Tom', 'Sam', 'nobody']);
    expect(hot[0].count).toBeCloseTo(6 * Math.exp(-1), 9);
    expect(hot[0].rate).toBeCloseTo((6 * Math.exp(-1)) / 60, 9);
    expect(g.hotKeys(1)).toHaveLength(1);
  });

  it('counts a forwarded request once, where it entered the cluster', async () => {
    const owner = group();
    const registry = new GroupRegistry();
    registry.add(owner);
    const service = new PeerService(registry);
    const peer = new InProcessPeer('owner', () => service);
    const entry = group({ peers: { ringVersion: 'v', route: () => [peer], others: () => [peer] } });
    await entry.get('Tom');
    expect(peer.gets[0].hops).toBe(1);
    expect(entry.hotKeys(10).map((h) => h.key)).toEqual(['Tom']);
    expect(owner.hotKeys(10)).toEqual([]);
  });

  it('counts nothing with hotKeyCapacity 0', async () => {
    const g = group({ hotKeyCapacity: 0 });
    await g.get('Tom');
    expect(g.hotKeys(10)).toEqual([]);
  });

  it('rejects a bad capacity at construction', () => {
    expect(() => group({ hotKeyCapacity: -1 })).toThrow(
      new InvalidArgumentError('group scores: hotKeyCapacity must be an integer in [0, 65536], got -1'),
    );
  });
});

describe('PeerService statistics', () => {
  function service() {
    const registry = new GroupRegistry();
    registry.add(group());
    registry.add(new Group({ name: 'other', maxBytes: 1 << 20, loader }));
    return { service: new PeerService(registry), registry };
  }

  it("answers every group's counters, by name", async () => {
    const { service: s } = service();
    await s.get({ group: 'scores', key: 'Tom', hops: 0, ringVersion: '' });
    const { groups } = await s.groupStats();
    expect(groups.map((g) => g.name)).toEqual(['other', 'scores']);
    expect(groups[1].stats.gets.load).toBe(1);
    expect(groups[1].stats.main.items).toBe(1);
  });

  it('answers a group’s hot keys, checking the group and the limit', async () => {
    const { service: s } = service();
    await s.get({ group: 'scores', key: 'Tom', hops: 0, ringVersion: '' });
    expect((await s.hotKeys({ group: 'scores', limit: 5 })).keys.map((h) => h.key)).toEqual(['Tom']);
    await expect(s.hotKeys({ group: 'nope', limit: 5 })).rejects.toBeInstanceOf(UnknownGroupError);
    for (const limit of [0, 101, 1.5, NaN]) {
      await expect(s.hotKeys({ group: 'scores', limit })).rejects.toThrow(
        `limit must be an integer from 1 to 100, got ${limit}`,
      );
    }
  });
});
