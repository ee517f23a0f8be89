import { groups } from './groups';

describe('cache-node groups', () => {
  it('registers the demo scores group once', () => {
    expect(groups.map((g) => g.name)).toEqual(['scores']);
  });
});
