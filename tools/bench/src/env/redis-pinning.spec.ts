import { parseAffinityList, pinRedisServer } from './redis-pinning';

describe('parseAffinityList', () => {
  it('reads the core list taskset prints', () => {
    expect(parseAffinityList("pid 4242's current affinity list: 0,1\n")).toBe('0,1');
    expect(parseAffinityList("pid 7's current affinity list: 0-6")).toBe('0-6');
  });

  it('refuses output it cannot read, rather than restoring a wrong list later', () => {
    expect(() => parseAffinityList('taskset: failed to get pid 1')).toThrow('cannot read an affinity list');
  });
});

describe('pinRedisServer', () => {
  it('moves nothing when the run is not pinned, and says so', async () => {
    const pinned = await pinRedisServer({ pinned: false, note: 'not pinned' });
    expect(pinned.note).toBe('redis-server not moved (the run is not pinned)');
    expect(() => pinned.restore()).not.toThrow();
  });
});
