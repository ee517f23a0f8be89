import type { DataSource } from 'typeorm';

import { Group, GroupRegistry, PeerService, PeerSet, type Membership } from '@ringcache/cache-core';
import { groupConfig, type RingcacheConfig } from '@ringcache/config';
import { createDataSource, ensureDemoData, rowLoader, Student } from '@ringcache/data-source';
import { membershipFromConfig, peerConnector } from '@ringcache/discovery';

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
  /** Membership source. Default: from configuration (static list). */
  membership?: Membership;
}

/**
 * Everything a cache node runs, without Nest: its database connection, its groups, its view of the
 * cluster (membership → ring → one client per peer), and the peer protocol service the gRPC and HTTP
 * servers call. The Nest module only wires this into the app.
 */
export class NodeRuntime {
  private constructor(
    readonly config: RingcacheConfig,
    readonly dataSource: DataSource,
    readonly groups: GroupRegistry,
    readonly peers: PeerSet,
    readonly membership: Membership,
    readonly peerService: PeerService,
    private readonly unsubscribe: () => void,
  ) {}

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
    try {
      if (config.demo.seed) await ensureDemoData(dataSource);
      const peers = new PeerSet({
        self: config.node.name,
        connect: peerConnector(config.peers.transport),
        ring: { vnodes: config.peers.vnodes, probes: config.peers.probes },
      });
      const groups = new GroupRegistry();
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
            loadTimeoutMs: settings.loadTimeoutMs,
            peerDeadlineMs: config.peers.deadlineMs,
            maxKeyBytes: config.gateway.maxKeyBytes,
            peers,
          }),
        );
      }
      const membership = options.membership ?? membershipFromConfig(config);
      await membership.start();
      const apply = () => {
        if (peers.update(membership.members())) {
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
      if (!peers.members().some((m) => m.name === config.node.name)) {
        logger.warn(
          `this node (${config.node.name}) is not in the member list: it forwards every key it is asked for`,
        );
      }
      const peerService = new PeerService(groups, () => peers.ringVersion);
      return new NodeRuntime(config, dataSource, groups, peers, membership, peerService, unsubscribe);
    } catch (error) {
      await dataSource.destroy().catch(() => undefined);
      throw error;
    }
  }

  /** True when the node can serve: the database is connected and the ring has members. */
  ready(): boolean {
    return this.dataSource.isInitialized && this.peers.size > 0;
  }

  /** Leaves the cluster and releases connections. */
  async stop(): Promise<void> {
    this.unsubscribe();
    await this.membership.stop();
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
