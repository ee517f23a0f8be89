import { convertNxGenerator } from '@nx/devkit';

import { groupGenerator } from './group.generator';
import { type GroupGeneratorOptions, GroupOptionsError } from './group-options';

/**
 * Options the Nest CLI's `nest g` passes to every schematic, whatever its collection (see its
 * generate.action): they mean nothing for a group and are dropped. `path` is the exception: a group's files
 * always go to apps/cache-node/src/app/groups/<name>, so a path given there is refused rather than ignored.
 */
export const NEST_CLI_OPTIONS = [
  'language',
  'sourceRoot',
  'spec',
  'specFileSuffix',
  'flat',
  'skipImport',
  'project',
  'collection',
  'type',
  'crud',
] as const;

/** The schematic's options: the generator's, plus what the Nest CLI adds. */
export type GroupSchematicOptions = GroupGeneratorOptions & {
  path?: string;
} & Partial<Record<(typeof NEST_CLI_OPTIONS)[number], unknown>>;

/**
 * The group generator as an Angular-devkit schematic, for the Nest CLI (`nest g -c <collection> group`) and
 * the `schematics` CLI. The same function runs: Nx's `convertNxGenerator` hands it a devkit Tree that
 * reads and writes the schematic's tree, so dry runs and conflicts behave as under Nx.
 */
export function groupSchematic(options: GroupSchematicOptions) {
  const { path, ...rest } = options;
  if (path !== undefined && path !== '') {
    throw new GroupOptionsError([
      `--path: a group's files always go to apps/cache-node/src/app/groups/<name>; leave the path out, got ${JSON.stringify(path)}`,
    ]);
  }
  const generatorOptions: Record<string, unknown> = { ...rest };
  for (const option of NEST_CLI_OPTIONS) delete generatorOptions[option];
  return convertNxGenerator(groupGenerator)(generatorOptions as unknown as GroupGeneratorOptions);
}
