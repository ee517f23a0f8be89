import { InvalidArgumentError } from '@ringcache/cache-core';

import { decodeKeyPath, decodeMethodPath, encodeKeyPath, encodeMethodPath } from './peer-path';

describe('peer paths', () => {
  it.each([
    'Tom',
    'a/b',
    '/lead/and/trail/',
    'with space',
    'plus+sign',
    'ü€😀',
    '100%',
    '%2F',
    'a?b#c',
    'x:y',
    '..',
  ])('round-trips the key %j as one segment', (key) => {
    const path = encodeKeyPath('scores', key);
    expect(path.slice('/_ringcache/scores/'.length)).not.toContain('/');
    expect(decodeKeyPath(path)).toEqual({ group: 'scores', key });
  });

  it('takes everything after the group as the key, so a literal "/" still arrives whole', () => {
    expect(decodeKeyPath('/_ringcache/scores/a/b%2Fc')).toEqual({ group: 'scores', key: 'a/b/c' });
  });

  it('ignores the query string', () => {
    expect(decodeKeyPath('/_ringcache/scores/Tom?ttlMs=5')).toEqual({ group: 'scores', key: 'Tom' });
  });

  it('round-trips a method path, even with ":" in the group', () => {
    expect(encodeMethodPath('scores', 'batchGet')).toBe('/_ringcache/scores:batchGet');
    expect(decodeMethodPath(encodeMethodPath('a:b', 'batchGet'))).toEqual({
      group: 'a:b',
      method: 'batchGet',
    });
  });

  it('round-trips a method path without a group, the form of expire', () => {
    expect(encodeMethodPath('', 'expire')).toBe('/_ringcache/:expire');
    expect(decodeMethodPath('/_ringcache/:expire')).toEqual({ group: '', method: 'expire' });
  });

  it.each(['%ZZ', '%E0%A4', '%C3%28', '%FF', '%'])('rejects the bad percent-encoding %s', (segment) => {
    expect(() => decodeKeyPath(`/_ringcache/scores/${segment}`)).toThrow(InvalidArgumentError);
    expect(() => decodeKeyPath(`/_ringcache/${segment}/key`)).toThrow(/group is not valid percent-encoded/);
  });

  it('rejects paths of the wrong shape', () => {
    expect(() => decodeKeyPath('/_ringcache/scores')).toThrow(InvalidArgumentError);
    expect(() => decodeKeyPath('/other/scores/Tom')).toThrow(InvalidArgumentError);
    expect(() => decodeMethodPath('/_ringcache/scores')).toThrow(InvalidArgumentError);
    expect(() => decodeMethodPath('/_ringcache/scores/Tom:batchGet')).toThrow(InvalidArgumentError);
  });

  it('refuses to encode a string with a lone surrogate (it has no UTF-8 form)', () => {
    expect(() => encodeKeyPath('scores', 'a\ud800')).toThrow(InvalidArgumentError);
  });
});
