import type { NodeStatsResponse } from '@ringcache/cache-core';

import {
  hotKeysRequestFromMessage,
  hotKeysResponseFromMessage,
  hotKeysResponseToMessage,
  statsResponseFromMessage,
  statsResponseToMessage,
} from './messages';

describe('the statistics messages', () => {
  const stats = {
    gets: { hit: 2, load: 1 },
    generation: 3,
  } as unknown as NodeStatsResponse['groups'][0]['stats'];

  it('carries the node counters as the HTTP :stats JSON document, and reads it back', () => {
    const message = statsResponseToMessage({ groups: [{ name: 'scores', stats }] });
    expect(JSON.parse(message.json ?? '')).toEqual({ groups: [{ name: 'scores', stats }] });
    expect(statsResponseFromMessage({ json: message.json ?? '' })).toEqual({
      groups: [{ name: 'scores', stats }],
    });
  });

  it('reads only the groups of a stats document, and refuses one that is not JSON or not of its shape', () => {
    const json = JSON.stringify({ groups: [{ name: 'scores', stats, extra: 1 }], debug: 'x' });
    expect(statsResponseFromMessage({ json })).toEqual({ groups: [{ name: 'scores', stats }] });
    expect(statsResponseFromMessage({ json: '' })).toBeUndefined();
    expect(statsResponseFromMessage({ json: '{"groups":' })).toBeUndefined();
    expect(statsResponseFromMessage({ json: '{"groups":[{"name":"scores"}]}' })).toBeUndefined();
    expect(statsResponseFromMessage({ json: 'null' })).toBeUndefined();
  });

  it('takes a HotKeys request’s group and limit only', () => {
    const m = { group: 'scores', limit: 5, other: 1 } as never;
    expect(hotKeysRequestFromMessage(m)).toEqual({ group: 'scores', limit: 5 });
  });

  it('copies hot keys field by field both ways, and refuses a count that is not finite', () => {
    const keys = [{ key: 'Tom', count: 2.5, rate: 2.5 / 60, error: 0 }];
    const wire = hotKeysResponseToMessage({ keys: [{ ...keys[0], extra: 'x' } as never] });
    expect(wire).toEqual({ keys });
    expect(hotKeysResponseFromMessage({ keys })).toEqual({ keys });
    expect(hotKeysResponseFromMessage({ keys: [{ ...keys[0], count: NaN }] })).toBeUndefined();
    expect(hotKeysResponseFromMessage({ keys: [] })).toEqual({ keys: [] });
  });
});
