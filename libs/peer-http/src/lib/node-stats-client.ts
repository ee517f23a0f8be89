import type { Agent } from 'node:http';

import {
  PeerUnavailableError,
  readHotKeys,
  readNodeStats,
  type CallOptions,
  type HotKeysRequest,
  type HotKeysResponse,
  type Member,
  type NodeStatsResponse,
  type NodeStatsSource,
} from '@ringcache/cache-core';
import type { TlsMaterial } from '@ringcache/tls';

import { exchange, type Answer } from './http-exchange';
import { jsonAnswer, malformedAnswer } from './answer-checks';
import { parseAddress } from './http-peer-client';
import { peerAgent } from './peer-agent';
import { encodeMethodPath } from './peer-path';
import type { RemoteCall } from './remote-error';
import { HOT, LIMIT_PARAM, PATH_PREFIX, STATS } from './wire';

/** Options of a {@link NodeStatsClient}. */
export interface NodeStatsClientOptions {
  /** Most connections open to one node at once. Default 4: these are occasional reads. */
  maxSockets?: number;
  /** Mutual TLS: https to the nodes, presenting this certificate. Default none: plaintext HTTP. */
  tls?: TlsMaterial;
}

/**
 * Reads nodes' statistics (`:stats`, `<group>:hot`) from their HTTP peer endpoint: the stats source of a
 * cluster on HTTP peers (GrpcNodeStatsClient is gRPC's). One keep-alive agent serves every node (it pools connections
 * per address), so nothing needs creating or closing as members come and go.
 */
export class NodeStatsClient implements NodeStatsSource {
  private readonly agent: Agent;
  private closed = false;

  constructor(options: NodeStatsClientOptions = {}) {
    this.agent = peerAgent('NodeStatsClient', { maxSockets: options.maxSockets ?? 4, tls: options.tls });
  }

  async groupStats(member: Member, options: CallOptions): Promise<NodeStatsResponse> {
    const call: RemoteCall = { peer: member.name, operation: 'Stats', group: '' };
    const answer = await this.send(member, call, `${PATH_PREFIX}:${STATS}`, options);
    return checked(readNodeStats(jsonAnswer<unknown>(answer, call, () => true)), call);
  }

  async hotKeys(member: Member, request: HotKeysRequest, options: CallOptions): Promise<HotKeysResponse> {
    const call: RemoteCall = { peer: member.name, operation: 'HotKeys', group: request.group };
    const path = `${encodeMethodPath(request.group, HOT)}?${LIMIT_PARAM}=${request.limit}`;
    const answer = await this.send(member, call, path, options);
    return checked(readHotKeys(jsonAnswer<unknown>(answer, call, () => true)), call);
  }

  /** Closes every connection; calls after this reject PeerUnavailableError. */
  async close(): Promise<void> {
    this.closed = true;
    this.agent.destroy();
  }

  private async send(member: Member, call: RemoteCall, path: string, options: CallOptions): Promise<Answer> {
    if (this.closed) throw new PeerUnavailableError(member.name, call.operation, 'client is closed');
    const { host, port } = parseAddress(member.httpAddress);
    return exchange({
      peer: member.name,
      operation: call.operation,
      agent: this.agent,
      host,
      port,
      method: 'GET',
      path,
      headers: {},
      deadlineMs: options.deadlineMs,
    });
  }
}

/** An answer the readers accepted (readNodeStats, readHotKeys), or the malformed-answer error. */
function checked<T>(read: T | undefined, call: RemoteCall): T {
  if (read === undefined) throw malformedAnswer(call, 'unexpected body');
  return read;
}
