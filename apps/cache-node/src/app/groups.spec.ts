import { groups } from './groups';

describe('cache-node groups', () => {
  it('registers the demo scores group, and every group once under a valid name', () => {
    const names = groups.map((g) => g.name);
    expect(names).toContain('scores');
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
  });
});
