import type { Member, PeerClient } from '@ringcache/cache-core';
import type { PeerTransport, StaticNode } from '@ringcache/config';
import { GrpcPeerClient } from '@ringcache/peer-grpc';
import { HttpPeerClient } from '@ringcache/peer-http';

/** Members of a static list from configuration. */
export function staticMembers(nodes: readonly StaticNode[]): Member[] {
  return nodes.map((node) => ({ name: node.name, grpcAddress: node.grpc, httpAddress: node.http }));
}

/** Creates the client for a remote member over the configured transport. */
export function peerConnector(transport: PeerTransport): (member: Member) => PeerClient {
  return transport === 'grpc'
    ? (member) => new GrpcPeerClient({ name: member.name, address: member.grpcAddress })
    : (member) => new HttpPeerClient({ name: member.name, address: member.httpAddress });
}
