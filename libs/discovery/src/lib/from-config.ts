import {
  BatchingPeerClient,
  OutlierDetectingPeerClient,
  type GetBatchingOptions,
  type Member,
  type NodeStatsSource,
  OUTLIER_DEFAULTS,
  type OutlierDetectionOptions,
  type PeerSkips,
  type PeerClient,
} from '@ringcache/cache-core';
import type { PeerTransport, RingcacheConfig, StaticNode } from '@ringcache/config';
import {
  grpcChannelCredentials,
  GrpcNodeStatsClient,
  GrpcPeerClient,
  type GrpcPeerClientOptions,
} from '@ringcache/peer-grpc';
import { HttpPeerClient, NodeStatsClient, type HttpPeerClientOptions } from '@ringcache/peer-http';
import { TlsMaterial } from '@ringcache/tls';
import type { Etcd3 } from 'etcd3';

import { createEtcdClient } from './etcd-client';
import type { DiscoveryLogger } from './etcd-membership';

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
  /**
   * How gets to one node are batched into GetMany calls (BatchingPeerClient), or `false` for one call per
   * get. Default: batched, per turn of the event loop.
   */
  batching?: GetBatchingOptions | false;
  /**
   * Mutual TLS to every node, on either transport: gRPC with TLS, or https. Default none: plaintext. The
   * rule is the caller's own configuration — a cluster is all TLS or none — so addresses in etcd carry no
   * scheme.
   */
  tls?: TlsMaterial;
  /**
   * Outlier detection (OutlierDetectingPeerClient): a node that failed to answer this many calls in a row
   * is skipped for a cooldown, then probed; `false` turns it off. Default: 3 calls, 5 s.
   */
  outlierDetection?: OutlierDetectionOptions | false;
}

/**
 * Creates the client for a remote member over the configured transport: the one place every process (node,
 * gateway, ttl-worker, SDK) makes its peer clients, so batching applies to all of them.
 */
export function peerConnector(
  transport: PeerTransport,
  options: PeerConnectorOptions = {},
): (member: Member) => PeerClient {
  const { tls } = options;
  const grpc = tls ? { credentials: channelCredentials(tls), ...options.grpc } : options.grpc;
  const http = tls ? { tls, ...options.http } : options.http;
  const raw: (member: Member) => PeerClient =
    transport === 'grpc'
      ? (member) => new GrpcPeerClient({ ...grpc, name: member.name, address: member.grpcAddress })
      : (member) => new HttpPeerClient({ ...http, name: member.name, address: member.httpAddress });
  // Under the batching: a batch is one call, so one failed batch counts once.
  const outlier = options.outlierDetection ?? {};
  if (outlier !== false) new OutlierDetectingPeerClient(NO_PEER, outlier);
  const connect: (member: Member) => PeerClient =
    outlier === false ? raw : (member) => new OutlierDetectingPeerClient(raw(member), outlier);
  const batching = options.batching ?? {};
  if (batching === false) return connect;
  // Built once here, so a bad batching option fails now rather than when the first node appears.
  new BatchingPeerClient(NO_PEER, batching);
  return (member) => new BatchingPeerClient(connect(member), batching);
}

/** A client that is never called: only lets the batching options be checked up front. */
const NO_PEER = { name: 'options-check' } as PeerClient;

/**
 * Outlier detection as the configuration's `peers.outlier*` settings ask: options, or false (off). With a
 * logger, a node being skipped is a warning and its return a line; with `skips`, both are counted there
 * (for `/metrics`).
 */
export function outlierDetectionFromConfig(
  config: RingcacheConfig,
  logger?: DiscoveryLogger,
  skips?: PeerSkips,
): OutlierDetectionOptions | false {
  const { outlierFailures, outlierCooldownMs } = config.peers;
  if (outlierFailures === 0) return false;
  return reportedOutlierDetection(
    { consecutiveFailures: outlierFailures, cooldownMs: outlierCooldownMs },
    logger,
    skips,
  );
}

/**
 * `options` with an `onChange` that counts each skip and return of a peer in `skips` and tells `logger`:
 * a skip as a warning, a return as a line. The one place every process (node, gateway, ttl-worker, SDK)
 * reports outlier detection's decisions.
 */
export function reportedOutlierDetection(
  options: Omit<OutlierDetectionOptions, 'onChange'>,
  logger?: DiscoveryLogger,
  skips?: PeerSkips,
): OutlierDetectionOptions {
  const consecutiveFailures = options.consecutiveFailures ?? OUTLIER_DEFAULTS.consecutiveFailures;
  const cooldownMs = options.cooldownMs ?? OUTLIER_DEFAULTS.cooldownMs;
  const onChange = (peer: string, state: 'open' | 'closed') => {
    skips?.onChange(peer, state);
    if (state === 'closed') return logger?.log(`peer ${peer}: answering again; no longer skipped`);
    logger?.warn(
      `peer ${peer}: ${consecutiveFailures} calls in a row failed; skipped, and probed again in ` +
        `${cooldownMs} ms or more`,
    );
  };
  return { ...options, onChange };
}

/** Reads nodes' statistics, and closes its connections when the process stops. */
export type ClosableNodeStatsSource = NodeStatsSource & { close(): Promise<void> };

/**
 * Where a process reads nodes' statistics, over the transport its peer protocol uses: gRPC's Stats and
 * HotKeys, or the HTTP peer endpoint's `:stats` and `<group>:hot`. With `tls`, mutual TLS as its peer
 * clients (the same gRPC credentials, see peerConnector).
 */
export function nodeStatsSource(transport: PeerTransport, tls?: TlsMaterial): ClosableNodeStatsSource {
  return transport === 'grpc'
    ? new GrpcNodeStatsClient({ channel: tls ? { credentials: channelCredentials(tls) } : {} })
    : new NodeStatsClient({ tls });
}

type ChannelCredentials = ReturnType<typeof grpcChannelCredentials>;

/** gRPC credentials already made, by the material they follow. */
const credentialsByMaterial = new WeakMap<TlsMaterial, ChannelCredentials>();

/**
 * The gRPC channel credentials of `tls`, made once per material: every channel of the process (peer
 * clients, stats client) shares them, and each follows the material's rotations.
 */
function channelCredentials(tls: TlsMaterial): ChannelCredentials {
  let credentials = credentialsByMaterial.get(tls);
  if (!credentials) credentialsByMaterial.set(tls, (credentials = grpcChannelCredentials(tls)));
  return credentials;
}

/** The etcd client of an app, from the configuration's `etcd` settings. */
export function etcdClientFromConfig(config: RingcacheConfig): Etcd3 {
  const { endpoints, dialTimeoutMs, username, password, tls } = config.etcd;
  return createEtcdClient({ endpoints, dialTimeoutMs, username, password, tls });
}

/** Material already loaded, by the configuration it came from: one per process, shared by all. */
const loaded = new WeakMap<RingcacheConfig['tls'], TlsMaterial>();

/**
 * The process's mutual TLS material from the configuration's `tls` settings, or undefined without them.
 * Loaded (and its files watched) once per configuration, so the servers and every client of a process
 * share it and rotate together. Throws a TlsMaterialError naming the file that is unusable.
 */
export function tlsFromConfig(config: RingcacheConfig, logger?: DiscoveryLogger): TlsMaterial | undefined {
  const { tls } = config;
  if (tls.caFile === '') return undefined;
  let material = loaded.get(tls);
  if (!material) {
    material = TlsMaterial.fromFiles(tls, {
      onReload: (m) => logger?.log(`tls: certificate files changed; now presenting serial ${m.serialNumber}`),
      onError: (error) => logger?.warn(`tls: changed certificate files not used: ${error.message}`),
    });
    loaded.set(tls, material);
  }
  return material;
}
