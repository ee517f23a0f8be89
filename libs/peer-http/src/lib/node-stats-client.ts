import type { Agent } from 'node:http';

import {
  PeerUnavailableError,
  type CallOptions,
  type HotKeysRequest,
  type HotKeysResponse,
  type Member,
  type NodeStatsResponse,
  type NodeStatsSource,
} from '@ringcache/cache-core';
import type { TlsMaterial } from '@ringcache/tls';

import { exchange, type Answer } from './http-exchange';
import { jsonAnswer, parseAddress } from './http-peer-client';
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
 * Reads nodes' statistics (`:stats`, `<group>:hot`) from their HTTP endpoint, whatever transport the
 * peer protocol uses: every member has one. One keep-alive agent serves every node (it pools connections
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
    return jsonAnswer<NodeStatsResponse>(answer, call, (body) => {
      const groups = (body as Partial<NodeStatsResponse>).groups;
      return (
        Array.isArray(groups) &&
        groups.every((g) => typeof g?.name === 'string' && typeof g.stats === 'object' && g.stats !== null)
      );
    });
  }

  async hotKeys(member: Member, request: HotKeysRequest, options: CallOptions): Promise<HotKeysResponse> {
    const call: RemoteCall = { peer: member.name, operation: 'HotKeys', group: request.group };
    const path = `${encodeMethodPath(request.group, HOT)}?${LIMIT_PARAM}=${request.limit}`;
    const answer = await this.send(member, call, path, options);
    const { keys } = jsonAnswer<HotKeysResponse>(answer, call, (body) => {
      const list = (body as Partial<HotKeysResponse>).keys;
      return (
        Array.isArray(list) &&
        list.every(
          (k) =>
            typeof k?.key === 'string' &&
            Number.isFinite(k.count) &&
            Number.isFinite(k.rate) &&
            Number.isFinite(k.error),
        )
      );
    });
    // Field by field, so nothing else a node sends is passed on.
    return { keys: keys.map(({ key, count, rate, error }) => ({ key, count, rate, error })) };
  }

  /** Whether `member` answers its readiness probe (`/readyz`) with 200 in time; false on any failure. */
  async ready(member: Member, options: CallOptions): Promise<boolean> {
    const call: RemoteCall = { peer: member.name, operation: 'Ready', group: '' };
    return this.send(member, call, '/readyz', options).then(
      (answer) => answer.status === 200,
      () => false,
    );
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
