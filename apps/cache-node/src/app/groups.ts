import { scoresLoader, Student } from '@ringcache/data-source';
import type { GroupDefinition } from '@ringcache/node-runtime';

/**
 * The cache groups this node serves. Each names its loader; budgets and TTLs come from the `groups`
 * section of the configuration. New groups are added here (see `nx g @ringcache/tools:group`).
 */
export const groups: GroupDefinition[] = [
  // The demo group: a student's score by name, from the `student` table.
  { name: 'scores', entities: [Student], loader: ({ dataSource }) => scoresLoader(dataSource) },
];
