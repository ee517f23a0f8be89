import type { DataSource } from 'typeorm';

import { RINGCACHE_VERSION } from '@ringcache/app-shell';
import {
  Group,
  GroupRegistry,
  InvalidationHub,
  lazyExpiry,
  LocalExpiry,
  PeerService,
  PeerSet,
  type ExpiryScheduler,
  type Member,
  type PeerSkips,
} from '@ringcache/cache-core';
import { groupConfig, type RingcacheConfig } from '@ringcache/config';
import { createDataSource, DatabaseProbe, ensureDemoData, rowLoader, Student } from '@ringcache/data-source';
import { EtcdDelayQueue } from '@ringcache/delay-queue';
import {
  discoveryFromConfig,
  outlierDetectionFromConfig,
  peerConnector,
  tlsFromConfig,
  type Discovery,
} from '@ringcache/discovery';

import type { GroupDefinition } from './group-definition';

/** Where the runtime reports what it does. */
export interface RuntimeLogger {
  log(message: string): void;
  warn(message: string): void;
}

/** Options of {@link NodeRuntime.start}. */
export interface NodeRuntimeOptions {
  config: RingcacheConfig;
  groups: GroupDefinition[];
  logger: RuntimeLogger;
  /** How the node finds the cluster. Default: from configuration (etcd, or the static list). */
  discovery?: Discovery;
  /** Told how late (ms) active expiry removed each entry of a group, for the lateness histogram. */
  onActiveExpiry?: (group: string, lateMs: number) => void;
  /** Told the keys of each batched call to another node (GetMany), for the batch-size histogram. */
  onPeerBatch?: (keys: number) => void;
  /** Told the keys of each call to a group's loader, for the load batch-size histogram. */
  onLoadBatch?: (keys: number) => void;
  /** Where outlier detection's skips and returns of other nodes are counted, for `/metrics`. */
  peerSkips?: PeerSkips;
}

/** Active expiry as the node runs it: the etcd delay queue (with the ttl-worker), or a local sweep. */
interface Expiry {
  /** Schedules entries this node stores as an owner. */
  main: ExpiryScheduler;
  /** Schedules hot copies: with etcd the ttl-worker tells every node anyway, so nothing is needed. */
  hot: ExpiryScheduler;
  /** Counters for metrics: the delay queue's, or the sweep's. */
  stats(): Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Everything a cache node runs, without Nest: its database connection, its groups, its view of the
 * cluster (membership → ring → one client per peer), and the peer protocol service the gRPC and HTTP
 * servers call. The Nest module only wires this into the app.
 */
export class NodeRuntime {
  /** Whether the database answers now, for readiness. */
  readonly database: DatabaseProbe;

  private constructor(
    readonly config: RingcacheConfig,
    readonly dataSource: DataSource,
    readonly groups: GroupRegistry,
    readonly peers: PeerSet,
    readonly discovery: Discovery,
    readonly peerService: PeerService,
    private readonly unsubscribe: () => void,
    private readonly expiry: Expiry,
  ) {
    this.database = new DatabaseProbe(dataSource);
  }

  /** Counters of active expiry (the delay queue's, or the local sweep's). */
  expiryStats(): Record<string, number> {
    return this.expiry.stats();
  }

  /** Connects the database, builds the groups, joins the cluster. Fails fast on a bad setup. */
  static async start(options: NodeRuntimeOptions): Promise<NodeRuntime> {
    const { config, logger } = options;
    const names = new Set<string>();
    for (const definition of options.groups) {
      if (names.has(definition.name)) throw new Error(`group ${definition.name} is defined twice`);
      names.add(definition.name);
    }
    const entities = [Student, ...options.groups.flatMap((g) => g.entities ?? [])];
    const dataSource = await createDataSource({
      mysqlUrl: config.mysql.url || undefined,
      sqlitePath: config.sqlite.path,
      connectTimeoutMs: config.mysql.connectTimeoutMs,
      poolSize: config.mysql.poolSize,
      entities: [...new Set(entities)],
      logger,
    });
    let discovery: Discovery | undefined;
    let expiry: Expiry | undefined;
    try {
      if (config.demo.seed) await ensureDemoData(dataSource);
      discovery = options.discovery ?? discoveryFromConfig(config, 'node', logger, RINGCACHE_VERSION);
      const groups = new GroupRegistry();
      expiry = activeExpiry(discovery, config.node.name, groups, logger);
      const peers = new PeerSet({
        self: config.node.name,
        connect: peerConnector(config.peers.transport, {
          tls: tlsFromConfig(config, logger),
          outlierDetection: outlierDetectionFromConfig(config, logger, options.peerSkips),
          batching: {
            windowMs: config.peers.batchWindowMs,
            maxKeys: config.peers.batchMaxKeys,
            onBatch: options.onPeerBatch,
          },
        }),
        ring: { vnodes: config.peers.vnodes, probes: config.peers.probes },
      });
      // What owners announce to subscribers (gateways' near caches) after writes and flushes.
      const invalidations = new InvalidationHub();
      for (const definition of [...options.groups, ...tableGroups(config, options.groups)]) {
        const settings = groupConfig(config, definition.name);
        const loader = definition.loader({ dataSource, config: settings });
        // A missing table or column fails here, at startup, rather than on the first request.
        if (isVerifiable(loader)) await loader.verify();
        groups.add(
          new Group({
            name: definition.name,
            loader,
            maxBytes: settings.maxBytes,
            ttlMs: settings.ttlMs,
            negativeTtlMs: settings.negativeTtlMs,
            hotShare: settings.hotShare,
            hotKeyCapacity: settings.hotKeyCapacity,
            hotKeyWindowMs: settings.hotKeyWindowMs,
            loadTimeoutMs: settings.loadTimeoutMs,
            staleGraceMs: settings.staleGraceMs,
            peerDeadlineMs: config.peers.deadlineMs,
            maxKeyBytes: config.gateway.maxKeyBytes,
            maxValueBytes: config.gateway.maxValueBytes,
            onInvalidate: invalidations.publish,
            onLoadBatch: options.onLoadBatch,
            expiry: expiry.main,
            hotExpiry: expiry.hot,
            onActiveExpiry:
              options.onActiveExpiry && ((lateMs) => options.onActiveExpiry?.(definition.name, lateMs)),
            peers,
          }),
        );
      }
      const membership = discovery.membership;
      await membership.start();
      const apply = () => {
        if (peers.update(membership.members())) {
          // Keys that moved to another node are that node's now; what this one kept of them would go stale.
          // The walk runs over many turns (reads meanwhile check the ring); a newer change restarts it.
          for (const group of groups.all()) {
            void group.dropForeign().then(
              (dropped) =>
                dropped > 0 && logger.log(`group ${group.name}: dropped ${dropped} keys owned elsewhere now`),
              (error: unknown) =>
                logger.warn(`group ${group.name}: dropping foreign keys failed: ${String(error)}`),
            );
          }
          logger.log(
            `ring ${peers.ringVersion}: ${
              peers
                .members()
                .map((m) => m.name)
                .join(', ') || '(empty)'
            }`,
          );
        }
      };
      apply();
      const unsubscribe = membership.onChange(apply);
      // Flushes recorded in etcd (a gateway bumped a group's generation): drop older entries here too.
      await discovery.watchGenerations((group, generation) => {
        const target = groups.find(group);
        if (target && target.stats().generation < generation) {
          target.flush(generation);
          logger.log(`group ${group} flushed to generation ${generation}`);
        }
      });
      if (discovery.kind === 'static' && !peers.members().some((m) => m.name === config.node.name)) {
        logger.warn(
          `this node (${config.node.name}) is not in the member list: it forwards every key it is asked for`,
        );
      }
      const peerService = new PeerService(groups, () => peers.ringVersion, invalidations);
      return new NodeRuntime(config, dataSource, groups, peers, discovery, peerService, unsubscribe, expiry);
    } catch (error) {
      await expiry?.stop().catch(() => undefined);
      await discovery?.close().catch(() => undefined);
      await dataSource.destroy().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Joins the cluster as `self` (etcd: registers under a lease). Called once the node's servers listen,
   * so no peer is sent here before it can answer. Fails on a duplicate node name.
   */
  async join(self: Member): Promise<void> {
    // Back on the rings after its registration lapsed (hung, or cut off from etcd, past the lease TTL), the
    // node starts empty: writes of its keys went to the owners standing in for it and never reached it.
    await this.discovery.register(self, () => {
      for (const group of this.groups.all()) group.dropAll();
    });
  }

  /**
   * Leaves the cluster at once (etcd: revokes the lease), so peers stop sending; draining comes after.
   * Waits (at most `settleMs`) until this node's own watch no longer lists it: the others, watching the
   * same keys, have then dropped it too, and requests stop arriving before the servers close.
   */
  async leave(settleMs = 500): Promise<void> {
    await this.discovery.deregister();
    if (this.discovery.kind === 'static') return;
    const deadline = Date.now() + settleMs;
    while (Date.now() < deadline && this.peers.members().some((m) => m.name === this.config.node.name)) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * True when the node is on its own ring, so it serves the keys it owns rather than forwarding everything.
   * With etcd the ring is what the watch saw, so being on it means the node joined; while etcd is away the
   * node keeps its last ring (and stays on it) even once its lease has lapsed, and keeps serving. The
   * database is checked apart (`database`).
   */
  inRing(): boolean {
    const self = this.config.node.name;
    return this.peers.members().some((m) => m.name === self);
  }

  /** Stops watching the cluster and releases connections. */
  async stop(): Promise<void> {
    this.unsubscribe();
    await this.expiry.stop();
    await this.discovery.close();
    await this.peers.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Groups the configuration reads straight from a table (`groups.<name>.table`), for which no code is
 * needed. A group both registered in code and given a table is a mistake: which loader would serve it?
 */
function tableGroups(config: RingcacheConfig, inCode: GroupDefinition[]): GroupDefinition[] {
  const result: GroupDefinition[] = [];
  for (const [name, settings] of Object.entries(config.groups)) {
    const source = settings.source;
    if (!source) continue;
    if (inCode.some((g) => g.name === name)) {
      throw new Error(
        `group ${name} has a loader in code and a table (${source.table}) in configuration: keep one`,
      );
    }
    result.push({
      name,
      loader: ({ dataSource }) =>
        rowLoader({
          dataSource,
          table: source.table,
          keyColumn: source.keyColumn,
          valueColumn: source.valueColumn,
        }),
    });
  }
  return result;
}

function isVerifiable(loader: object): loader is { verify(): Promise<void> } {
  return typeof (loader as { verify?: unknown }).verify === 'function';
}

/**
 * With etcd, owners record expiries in the delay queue and the elected ttl-worker tells every node when
 * they are due; without etcd, each node sweeps its own entries and hot copies once a second.
 */
function activeExpiry(
  discovery: Discovery,
  owner: string,
  groups: GroupRegistry,
  logger: RuntimeLogger,
): Expiry {
  if (discovery.etcd) {
    const queue = new EtcdDelayQueue({
      client: discovery.etcd.client,
      keys: discovery.etcd.keys,
      owner,
      logger,
    });
    return { main: queue, hot: lazyExpiry, stats: () => ({ ...queue.stats() }), stop: () => queue.stop() };
  }
  // Without etcd each node sweeps its own caches: nothing to schedule per entry.
  const sweeps = new LocalExpiry(groups);
  return {
    main: lazyExpiry,
    hot: lazyExpiry,
    stats: () => ({ ...sweeps.stats() }),
    stop: async () => sweeps.stop(),
  };
}
