import type { OutlierDetectionOptions, PeerSkips } from '@ringcache/cache-core';
import type { DiscoveryLogger } from '@ringcache/discovery';

/**
 * Outlier detection as the client's `outlierDetection` option asks, or false (off), with each decision
 * counted in `skips` (RingcacheClient.nodeSkips) and told to the client's `logger`: a node skipped is a
 * warning, its return a line, as the gateway logs and counts them.
 */
export function countedOutlierDetection(
  client: { outlierDetection: Omit<OutlierDetectionOptions, 'onChange'> | false; logger: DiscoveryLogger },
  skips: PeerSkips,
): OutlierDetectionOptions | false {
  const { outlierDetection, logger } = client;
  if (outlierDetection === false) return false;
  return {
    ...outlierDetection,
    onChange: (node, state) => {
      skips.onChange(node, state);
      if (state === 'closed') logger.log(`node ${node}: answering again; no longer skipped`);
      else
        logger.warn(`node ${node}: calls to it failed in a row; skipped, and probed again after a cooldown`);
    },
  };
}
