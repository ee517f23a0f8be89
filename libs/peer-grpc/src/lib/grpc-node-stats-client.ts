import {
  PeerUnavailableError,
  type CallOptions,
  type HotKeysRequest,
  type HotKeysResponse,
  type Member,
  type NodeStatsResponse,
  type NodeStatsSource,
} from '@ringcache/cache-core';

import { GrpcPeerClient, type GrpcPeerClientOptions } from './grpc-peer-client';

/** Options of a {@link GrpcNodeStatsClient}. */
export interface GrpcNodeStatsClientOptions {
  /**
   * Settings of each node's channel (credentials for mutual TLS, keepalive, sizes). Default:
   * GrpcPeerClient's, insecure. Give the process's shared credentials (grpcChannelCredentials of its TLS
   * material), as the peer clients get them.
   */
  channel?: Omit<GrpcPeerClientOptions, 'name' | 'address'>;
  /**
   * Most nodes with a channel open at once; past it the least recently asked one is closed. Default 64:
   * more than a cluster has members, so in steady state nothing is closed, while a churning membership
   * (nodes replaced under new addresses) cannot pile up channels.
   */
  maxChannels?: number;
}

/**
 * Reads nodes' statistics over gRPC (the Stats and HotKeys calls): the stats source of a cluster on gRPC
 * peers. One channel per member, opened on the first question to it and reused; the least recently asked
 * is closed past `maxChannels`, and close() closes them all. Answers are checked field by field as the
 * HTTP NodeStatsClient checks its own, and errors are the peer client's (PeerUnavailableError, ...).
 */
export class GrpcNodeStatsClient implements NodeStatsSource {
  private readonly maxChannels: number;
  /** Channels by member, least recently asked first (a Map keeps insertion order; a use re-inserts). */
  private readonly channels = new Map<string, GrpcPeerClient>();
  private closed = false;

  constructor(private readonly options: GrpcNodeStatsClientOptions = {}) {
    this.maxChannels = options.maxChannels ?? 64;
    if (!Number.isSafeInteger(this.maxChannels) || this.maxChannels < 1) {
      throw new RangeError(
        `GrpcNodeStatsClient option maxChannels must be a positive integer, got ${String(options.maxChannels)}`,
      );
    }
    // A bad channel option fails now, not at the first question.
    void new GrpcPeerClient({ ...options.channel, name: 'options-check', address: '127.0.0.1:1' }).close();
  }

  async groupStats(member: Member, options: CallOptions): Promise<NodeStatsResponse> {
    return this.channel(member, 'Stats').groupStats(options);
  }

  async hotKeys(member: Member, request: HotKeysRequest, options: CallOptions): Promise<HotKeysResponse> {
    return this.channel(member, 'HotKeys').hotKeys(request, options);
  }

  /** Channels open now (for tests and metrics). */
  get openChannels(): number {
    return this.channels.size;
  }

  /** Closes every channel; calls after this reject PeerUnavailableError. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.channels.values()];
    this.channels.clear();
    await Promise.all(all.map((client) => client.close()));
  }

  /** The member's channel, most recently asked from now on; opened (closing the oldest past the cap) if new. */
  private channel(member: Member, operation: string): GrpcPeerClient {
    if (this.closed) throw new PeerUnavailableError(member.name, operation, 'client is closed');
    // By name and address: a node back under a new address, or an address taken over by another node,
    // gets a channel of its own, and errors name the node asked.
    const id = `${member.name} ${member.grpcAddress}`;
    let client = this.channels.get(id);
    if (client) {
      this.channels.delete(id);
    } else {
      client = new GrpcPeerClient({
        ...this.options.channel,
        // Connections of its own: grpc-js shares connections between channels of equal settings, so a
        // sample that dialled a node before it listened would put the data path's connection into
        // reconnect backoff too, failing the first writes to that node at once.
        channelOptions: { 'grpc.use_local_subchannel_pool': 1, ...this.options.channel?.channelOptions },
        // Statistics are no data path: wait, within the deadline, for a node just started (or restarted)
        // rather than failing at once while the channel backs off.
        waitForReady: true,
        name: member.name,
        address: member.grpcAddress,
      });
      if (this.channels.size >= this.maxChannels) {
        const [oldest, evicted] = this.channels.entries().next().value as [string, GrpcPeerClient];
        this.channels.delete(oldest);
        // Calls already sent on it still finish; one still waiting for the connection fails as unavailable,
        // which ClusterStats reports for that node like any unanswered question.
        void evicted.close();
      }
    }
    this.channels.set(id, client);
    return client;
  }
}
