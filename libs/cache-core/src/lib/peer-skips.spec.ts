import { OutlierDetectingPeerClient } from './outlier-detection';
import { PeerSkips } from './peer-skips';
import { PeerUnavailableError } from './errors';
import type { PeerClient } from './protocol';

describe('PeerSkips', () => {
  it('counts the skips and returns outlier detection reports, per peer, and tells who is skipped now', async () => {
    const skips = new PeerSkips();
    let now = 0;
    let up = false;
    const inner = {
      name: 'node3',
      get: async () => {
        if (!up) throw new PeerUnavailableError('node3', 'Get', 'deadline exceeded');
        return { value: Buffer.from('v') };
      },
    } as unknown as PeerClient;
    const client = new OutlierDetectingPeerClient(inner, {
      consecutiveFailures: 2,
      cooldownMs: 100,
      now: () => now,
      onChange: skips.onChange,
    });
    const get = () =>
      client
        .get({ group: 'g', key: 'k', ringVersion: '', hops: 0 }, { deadlineMs: 10 })
        .catch(() => undefined);
    expect(skips.stats()).toEqual([]);
    await get();
    await get();
    expect(skips.stats()).toEqual([{ peer: 'node3', skips: 1, returns: 0, skipped: true }]);
    now += 100;
    await get(); // a failed probe: still skipped, not skipped again
    expect(skips.stats()).toEqual([{ peer: 'node3', skips: 1, returns: 0, skipped: true }]);
    now += 200;
    up = true;
    await get();
    expect(skips.stats()).toEqual([{ peer: 'node3', skips: 1, returns: 1, skipped: false }]);
    skips.onChange('node2', 'open');
    expect(skips.stats().map((s) => [s.peer, s.skipped])).toEqual([
      ['node3', false],
      ['node2', true],
    ]);
  });
});
