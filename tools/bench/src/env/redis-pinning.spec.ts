import { coresBeforeRuns, pinRedisServer } from './redis-pinning';

describe('pinRedisServer', () => {
  it('moves nothing when the run is not pinned, and says so', async () => {
    const pinned = await pinRedisServer({ pinned: false, note: 'not pinned' });
    expect(pinned.note).toBe('redis-server not moved (the run is not pinned)');
    expect(() => pinned.restore()).not.toThrow();
  });
});

describe('coresBeforeRuns', () => {
  const note = JSON.stringify({ pid: 2299, cores: '0,1' });

  it('takes the cores an earlier run noted for this redis-server, while it is still on the server cores', () => {
    expect(coresBeforeRuns(note, 2299, '0', '0')).toBe('0,1');
  });

  it('takes the cores Redis has now without a note, for another process, or once Redis has moved', () => {
    expect(coresBeforeRuns(undefined, 2299, '0', '0')).toBe('0');
    expect(coresBeforeRuns(note, 4242, '0', '0')).toBe('0');
    expect(coresBeforeRuns(note, 2299, '0,1', '0')).toBe('0,1');
  });

  it('takes the cores Redis has now when the note cannot be read', () => {
    for (const bad of [
      '',
      '{',
      '[]',
      '{"pid":2299}',
      '{"pid":2299,"cores":""}',
      '{"pid":"2299","cores":"0,1"}',
    ])
      expect(coresBeforeRuns(bad, 2299, '0', '0')).toBe('0');
  });
});
