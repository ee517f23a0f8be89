/** Injection token of the gateway's PeerSet (its ring of the cache nodes). */
export const GATEWAY_PEERS = 'ringcache:GatewayPeers';
/** Injection token of the gateway's Membership source. */
export const GATEWAY_MEMBERSHIP = 'ringcache:GatewayMembership';
