/** Injection token of the gateway's PeerSet (its ring of the cache nodes). */
export const GATEWAY_PEERS = 'ringcache:GatewayPeers';
/** Injection token of the gateway's Discovery (static list or etcd watch). */
export const GATEWAY_DISCOVERY = 'ringcache:GatewayDiscovery';
/** Injection token of the gateway's near cache bundle (GatewayNear). */
export const GATEWAY_NEAR = 'ringcache:GatewayNear';
/**
 * Injection token of the gateway's source of nodes' statistics (ClosableNodeStatsSource, over the peer
 * transport): ClusterStats and the dashboard's sampler share it.
 */
export const GATEWAY_NODE_STATS = 'ringcache:GatewayNodeStats';
/** Injection token of the gateway's request limits. */
export const GATEWAY_LIMITS = 'ringcache:GatewayLimits';

/** Injection token of the dashboard's files (DashboardAssets). */
export const DASHBOARD_ASSETS = 'ringcache:DashboardAssets';

/** Request limits of the gateway's API. */
export interface GatewayLimits {
  maxKeyBytes: number;
  maxValueBytes: number;
}
