import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

import type { Etcd3 } from 'etcd3';

import { PeerSet, PeerSkips } from '@ringcache/cache-core';
import type { RingcacheConfig } from '@ringcache/config';
import { TtlWorker, type TtlWorkerStats } from '@ringcache/delay-queue';
import {
  etcdClientFromConfig,
  EtcdKeys,
  EtcdMembership,
  outlierDetectionFromConfig,
  peerConnector,
  tlsFromConfig,
  type DiscoveryLogger,
} from '@ringcache/discovery';

/** Where the worker stands, as /readyz reports it (etcd's reachability is checked apart: etcdReachable). */
export interface TtlWorkerStatus {
  /** Leading with a live watch of the delay queue, or standing by. */
  ready: boolean;
  /** Why it is not ready (idle without etcd, not settled yet); absent when ready. */
  message?: string;
  role?: TtlWorkerStats['role'];
  leader?: string;
  /** Cache nodes known (the top-level service name's members). */
  nodes: number;
}

/** Options of a {@link TtlWorkerHost}. */
export interface TtlWorkerHostOptions {
  config: RingcacheConfig;
  logger: DiscoveryLogger;
  /**
   * This worker's name in the election; must be unique. Default `<hostname>-<pid>-<random>`: containers
   * sharing the host's name all run as pid 1.
   */
  name?: string;
  /** Each delivered key's lateness in ms, for the histogram. */
  onLateness?: (ms: number) => void;
}

/**
 * The ttl-worker process's parts, wired from configuration, without Nest: one etcd client shared by the
 * worker and by the watch of the top-level service name (`cache/`, as gateways watch it), whose members
 * become the PeerSet the worker fans out to. Without etcd endpoints there is nothing to consume — nodes then
 * expire their entries with a local sweep — so the host is `idle`: it says so at start and is never
 * ready, but stays up and healthy (a supervisor does not restart it in a loop; `npm start` keeps running).
 */
export class TtlWorkerHost {
  /** The worker, or undefined when idle (no etcd). */
  readonly worker?: TtlWorker;
  private readonly client?: Etcd3;
  private readonly membership?: EtcdMembership;
  private readonly peers?: PeerSet;
  /** What outlier detection decided about each node (for `/metrics`). */
  readonly skips = new PeerSkips();
  private readonly logger: DiscoveryLogger;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(options: TtlWorkerHostOptions) {
    const { config, logger } = options;
    this.logger = logger;
    if (config.etcd.endpoints.length === 0) return;
    const client = etcdClientFromConfig(config);
    const keys = new EtcdKeys(config.cluster);
    const peers = new PeerSet({
      connect: peerConnector(config.peers.transport, {
        tls: tlsFromConfig(config, logger),
        outlierDetection: outlierDetectionFromConfig(config, logger, this.skips),
      }),
      ring: { vnodes: config.peers.vnodes, probes: config.peers.probes },
    });
    this.client = client;
    this.peers = peers;
    this.membership = new EtcdMembership({ client, prefix: keys.caches, logger });
    this.worker = new TtlWorker({
      client,
      keys,
      name: options.name ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
      peers: () => peers.others(),
      logger,
      leaseTtlSeconds: config.etcd.leaseTtlSeconds,
      expireDeadlineMs: config.peers.deadlineMs,
      onLateness: options.onLateness,
    });
  }

  /** `etcd` when consuming the delay queue, `idle` without etcd endpoints. */
  get kind(): 'etcd' | 'idle' {
    return this.worker ? 'etcd' : 'idle';
  }

  /** Cache nodes known now. */
  get nodes(): number {
    return this.peers?.size ?? 0;
  }

  /** Names of the cache nodes known now. */
  nodeNames(): string[] {
    return this.peers?.members().map((m) => m.name) ?? [];
  }

  /** Starts watching the nodes and campaigning; neither waits for etcd (both retry in the background). */
  start(): void {
    if (!this.worker) {
      this.logger.warn(
        'no etcd endpoints configured (etcd.endpoints / RINGCACHE_ETCD_ENDPOINTS): the delay queue lives in ' +
          'etcd, so this ttl-worker has nothing to do. In static mode each cache node expires its own entries ' +
          'with a local sweep. Staying up, healthy and never ready.',
      );
      return;
    }
    this.worker.start();
    this.watchNodes(100);
  }

  /**
   * Resigns first (a standby takes over at once), then stops watching and closes every connection. Waits
   * at most `timeoutMs` for the worker (etcd being away must not hold the shutdown; closing the client then
   * ends the calls in flight, and the campaign lease expires by itself).
   */
  async stop(timeoutMs = 5_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.worker?.stop(), gaveUp]);
    clearTimeout(timer);
    await this.membership?.stop();
    await this.peers?.close();
    this.client?.close();
  }

  /**
   * Where the worker stands: ready when it knows its role (leading with a live watch, or standing by);
   * never without etcd (idle, nothing to do). Readiness also needs etcd to answer: etcdReachable.
   */
  status(): TtlWorkerStatus {
    if (!this.worker) return { ready: false, message: 'idle: no etcd endpoints configured', nodes: 0 };
    const { role, leader } = this.worker.stats();
    const base = { role, leader, nodes: this.nodes };
    if (!this.worker.settled()) return { ...base, ready: false, message: `${role}: not settled yet` };
    return { ...base, ready: true };
  }

  /** True when etcd answers a read within `timeoutMs`; false when idle (no etcd). */
  async etcdReachable(timeoutMs?: number): Promise<boolean> {
    return this.worker ? this.worker.etcdReachable(timeoutMs) : false;
  }

  /** Starts the node watch, retrying with backoff while etcd cannot be read. */
  private watchNodes(delayMs: number): void {
    const membership = this.membership as EtcdMembership;
    const peers = this.peers as PeerSet;
    membership.start().then(
      () => {
        const apply = () => {
          if (peers.update(membership.members())) {
            const names = peers.members().map((m) => m.name);
            this.logger.log(`cache nodes: ${names.join(', ') || '(none)'}`);
          }
        };
        apply();
        membership.onChange(apply);
      },
      (error: Error) => {
        if (this.stopped) return;
        this.logger.warn(
          `cannot read the cache nodes from etcd (${error.message}); retrying in ${delayMs} ms`,
        );
        this.retryTimer = setTimeout(() => this.watchNodes(Math.min(delayMs * 2, 2_000)), delayMs);
        this.retryTimer.unref();
      },
    );
  }
}
