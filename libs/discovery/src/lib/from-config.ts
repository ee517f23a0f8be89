import type { Member, PeerClient } from '@ringcache/cache-core';
import type { PeerTransport, RingcacheConfig, StaticNode } from '@ringcache/config';
import { GrpcPeerClient, type GrpcPeerClientOptions } from '@ringcache/peer-grpc';
import { HttpPeerClient, type HttpPeerClientOptions } from '@ringcache/peer-http';
import type { Etcd3 } from 'etcd3';

import { createEtcdClient } from './etcd-client';

/** Members of a static list from configuration. */
export function staticMembers(nodes: readonly StaticNode[]): Member[] {
  return nodes.map((node) => ({ name: node.name, grpcAddress: node.grpc, httpAddress: node.http }));
}

/** Settings of every peer client a connector creates; only the chosen transport's are used. */
export interface PeerConnectorOptions {
  /** GrpcPeerClient options (credentials, keepalive, sizes). Default: GrpcPeerClient's. */
  grpc?: Omit<GrpcPeerClientOptions, 'name' | 'address'>;
  /** HttpPeerClient options (maxSockets). Default: HttpPeerClient's. */
  http?: Omit<HttpPeerClientOptions, 'name' | 'address'>;
}

/** Creates the client for a remote member over the configured transport. */
export function peerConnector(
  transport: PeerTransport,
  options: PeerConnectorOptions = {},
): (member: Member) => PeerClient {
  return transport === 'grpc'
    ? (member) => new GrpcPeerClient({ ...options.grpc, name: member.name, address: member.grpcAddress })
    : (member) => new HttpPeerClient({ ...options.http, name: member.name, address: member.httpAddress });
}

/** The etcd client of an app, from the configuration's `etcd` settings. */
export function etcdClientFromConfig(config: RingcacheConfig): Etcd3 {
  const { endpoints, dialTimeoutMs, username, password, tls } = config.etcd;
  return createEtcdClient({ endpoints, dialTimeoutMs, username, password, tls });
}
