import { parseAffinityList } from './cpu-pinning';

describe('parseAffinityList', () => {
  it('reads the core list taskset prints', () => {
    expect(parseAffinityList("pid 4242's current affinity list: 0,1\n")).toBe('0,1');
    expect(parseAffinityList("pid 7's current affinity list: 0-6")).toBe('0-6');
  });

  it('refuses output it cannot read, rather than restoring a wrong list later', () => {
    expect(() => parseAffinityList('taskset: failed to get pid 1')).toThrow('cannot read an affinity list');
  });
});
