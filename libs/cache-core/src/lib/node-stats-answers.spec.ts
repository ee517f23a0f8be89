import { readHotKeys, readNodeStats } from './node-stats-answers';

describe('readNodeStats', () => {
  it('keeps each group’s name and stats, and nothing else at the top', () => {
    const stats = { gets: { hit: 1 }, future: 'kept inside stats' };
    const answer = { groups: [{ name: 'scores', stats, extra: 1 }], debug: 'dropped' };
    expect(readNodeStats(answer)).toEqual({ groups: [{ name: 'scores', stats }] });
    expect(readNodeStats({ groups: [] })).toEqual({ groups: [] });
  });

  it.each([
    ['null', null],
    ['no groups', {}],
    ['groups not a list', { groups: {} }],
    ['a name not a string', { groups: [{ name: 1, stats: {} }] }],
    ['stats missing', { groups: [{ name: 'scores' }] }],
    ['stats null', { groups: [{ name: 'scores', stats: null }] }],
    ['a null group', { groups: [null] }],
  ])('refuses %s', (_, body) => {
    expect(readNodeStats(body)).toBeUndefined();
  });
});

describe('readHotKeys', () => {
  it('copies each key field by field', () => {
    const answer = { keys: [{ key: 'Tom', count: 2.5, rate: 0.04, error: 0, secret: 'x' }], more: 1 };
    expect(readHotKeys(answer)).toEqual({ keys: [{ key: 'Tom', count: 2.5, rate: 0.04, error: 0 }] });
  });

  it.each([
    ['null', null],
    ['no keys', {}],
    ['a key not a string', { keys: [{ key: 1, count: 1, rate: 1, error: 0 }] }],
    ['a count not finite', { keys: [{ key: 'a', count: Infinity, rate: 1, error: 0 }] }],
    ['a rate not a number', { keys: [{ key: 'a', count: 1, rate: '1', error: 0 }] }],
    ['an error missing', { keys: [{ key: 'a', count: 1, rate: 1 }] }],
  ])('refuses %s', (_, body) => {
    expect(readHotKeys(body)).toBeUndefined();
  });
});
