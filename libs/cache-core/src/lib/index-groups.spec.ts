import { groupIndexes } from './index-groups';

describe('groupIndexes', () => {
  it('groups the indexes by key, each group and the groups in the order of the items', () => {
    const groups = groupIndexes(['b1', 'a1', 'b2', 'c1', 'a2'], (item) => item[0]);
    expect([...groups]).toEqual([
      ['b', [0, 2]],
      ['a', [1, 4]],
      ['c', [3]],
    ]);
  });

  it('keeps undefined as a group of its own', () => {
    const groups = groupIndexes([1, 2, 3], (n) => (n === 2 ? undefined : 'odd'));
    expect(groups.get(undefined)).toEqual([1]);
    expect(groups.get('odd')).toEqual([0, 2]);
  });

  it('is empty for no items', () => {
    expect(groupIndexes([], () => 'x').size).toBe(0);
  });
});
