import { PeerSkips } from '@ringcache/cache-core';

import { countedOutlierDetection } from './node-skips';

describe('countedOutlierDetection', () => {
  it('counts each skip and return of a node, and tells the logger', () => {
    const lines: string[] = [];
    const logger = {
      log: (m: string) => lines.push(`log ${m}`),
      warn: (m: string) => lines.push(`warn ${m}`),
    };
    const skips = new PeerSkips();
    const options = countedOutlierDetection({ outlierDetection: { consecutiveFailures: 2 }, logger }, skips);
    if (options === false) throw new Error('expected options');
    expect(options.consecutiveFailures).toBe(2);
    options.onChange?.('node2', 'open');
    expect(skips.stats()).toEqual([{ peer: 'node2', skips: 1, returns: 0, skipped: true }]);
    options.onChange?.('node2', 'closed');
    expect(skips.stats()).toEqual([{ peer: 'node2', skips: 1, returns: 1, skipped: false }]);
    expect(lines).toEqual([
      'warn peer node2: 2 calls in a row failed; skipped, and probed again in 5000 ms or more',
      'log peer node2: answering again; no longer skipped',
    ]);
  });

  it('stays off when the option turns it off', () => {
    const logger = { log: () => undefined, warn: () => undefined };
    expect(countedOutlierDetection({ outlierDetection: false, logger }, new PeerSkips())).toBe(false);
  });
});
