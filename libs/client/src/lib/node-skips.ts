import type { OutlierDetectionOptions, PeerSkips } from '@ringcache/cache-core';
import { reportedOutlierDetection, type DiscoveryLogger } from '@ringcache/discovery';

/**
 * Outlier detection as the client's `outlierDetection` option asks, or false (off), with each decision
 * counted in `skips` (RingcacheClient.nodeSkips) and told to the client's `logger`, as every process
 * reports them (reportedOutlierDetection).
 */
export function countedOutlierDetection(
  client: { outlierDetection: Omit<OutlierDetectionOptions, 'onChange'> | false; logger: DiscoveryLogger },
  skips: PeerSkips,
): OutlierDetectionOptions | false {
  const { outlierDetection, logger } = client;
  return outlierDetection === false ? false : reportedOutlierDetection(outlierDetection, logger, skips);
}
