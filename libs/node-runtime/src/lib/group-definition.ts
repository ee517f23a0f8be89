import type { Loader } from '@ringcache/cache-core';
import type { GroupConfig } from '@ringcache/config';
import type { EntityDefinition } from '@ringcache/data-source';
import type { DataSource } from 'typeorm';

/** What a group's loader factory gets. */
export interface GroupContext {
  /** The node's database connection (MySQL or embedded SQLite). */
  dataSource: DataSource;
  /** The group's settings from configuration. */
  config: GroupConfig;
}

/**
 * A cache group as registered in the cache-node app: its name, the entities its loader reads, and a
 * factory for its loader. Budgets and TTLs come from configuration (`groups.<name>`).
 */
export interface GroupDefinition {
  name: string;
  /** TypeORM entities the loader uses; added to the node's data source. Default none. */
  entities?: EntityDefinition[];
  loader(context: GroupContext): Loader;
}
