import { formatFiles, logger, type Tree } from '@nx/devkit';

import { addConfigGroup, configGroupNames } from './config-entry';
import { type EntitySource, resolveEntityImport, specifierFrom } from './entity-import';
import { entitySource, loaderSource, loaderSpecSource } from './group-files';
import {
  APP_DIR,
  CONFIG_FILE,
  type GroupGeneratorOptions,
  GroupOptionsError,
  type GroupPlan,
  GROUPS_FILE,
  planGroup,
} from './group-options';
import { readGroupsFile, registerGroup, type Registration } from './groups-registration';

/**
 * `nx g @ringcache/tools:group <name>` — and, wrapped by group.schematic.ts, the Nest CLI's
 * `nest g -c ./tools/ringcache-plugin/collection.json group <name>`. Adds a cache group to the cache-node
 * app: an entity and a rowLoader with its unit test under `apps/cache-node/src/app/groups/<name>/`, the
 * group's entry in `apps/cache-node/src/app/groups.ts` and its settings in `config/ringcache.yaml`.
 *
 * Every check runs before the first write, and all writes go to the Tree, so a bad option, a group that
 * exists already or a dry run leaves the workspace as it was.
 */
export async function groupGenerator(tree: Tree, options: GroupGeneratorOptions): Promise<() => void> {
  const plan = planGroup(options);
  const groupsText = required(tree, GROUPS_FILE);
  const configText = required(tree, CONFIG_FILE);
  const groupsFile = readGroupsFile(groupsText, GROUPS_FILE);

  let source: EntitySource;
  if (plan.entity.kind === 'existing') {
    const resolved = resolveEntityImport(tree, plan.entity.entityImport, plan.entity.className);
    if (typeof resolved === 'string') throw new GroupOptionsError([`--entityImport: ${resolved}`]);
    source = resolved;
  } else {
    source = { file: plan.entity.file };
  }
  const registration = registrationOf(plan, specifierFrom(APP_DIR, source));

  const problems: string[] = [];
  if (groupsFile.names.includes(plan.name)) problems.push(`it is registered in ${GROUPS_FILE} already`);
  if (configGroupNames(configText, CONFIG_FILE).includes(plan.name)) {
    problems.push(`${CONFIG_FILE} configures groups.${plan.name} already`);
  }
  if (tree.exists(plan.dir)) problems.push(`${plan.dir} exists already`);
  if (problems.length > 0) {
    throw new Error(`group ${plan.name} exists: ${problems.join('; ')}. Nothing was changed.`);
  }
  const clashes = registration.imports.flatMap(({ name, from }) => {
    const bound = groupsFile.bindings.get(name);
    if (bound === undefined || bound === from) return [];
    const where = bound === '' ? 'declares' : `imports from ${bound}`;
    const option = name === plan.loaderFunction ? 'name' : 'entity';
    return [`--${option}: ${GROUPS_FILE} ${where} a ${name} already${clashHint(plan, name, bound)}`];
  });
  if (clashes.length > 0) throw new GroupOptionsError(clashes);

  const module = { fromGroupDir: specifierFrom(plan.dir, source) };
  if (plan.entity.kind === 'generated') tree.write(plan.entity.file, entitySource(plan, plan.entity));
  tree.write(plan.loaderFile, loaderSource(plan, module));
  tree.write(plan.specFile, loaderSpecSource(plan, module));
  tree.write(GROUPS_FILE, registerGroup(groupsText, GROUPS_FILE, registration));
  tree.write(
    CONFIG_FILE,
    addConfigGroup(
      configText,
      CONFIG_FILE,
      plan.name,
      plan.settings,
      `Loaded by ${plan.dir} (from @ringcache/tools:group).`,
    ),
  );
  if (!options.skipFormat) await formatFiles(tree);
  return () => logger.info(nextSteps(plan));
}

function registrationOf(plan: GroupPlan, entityFromApp: string): Registration {
  const className = plan.entity.className;
  const loaderFromApp = `./${plan.loaderFile.slice(APP_DIR.length + 1).replace(/\.ts$/, '')}`;
  const table = plan.entity.kind === 'generated' ? `\`${plan.entity.table}\`` : `${className}'s table`;
  const value = plan.value.kind === 'column' ? `its ${plan.value.column}` : 'the row as JSON';
  return {
    name: plan.name,
    imports: [
      { name: className, from: entityFromApp },
      { name: plan.loaderFunction, from: loaderFromApp },
    ],
    comment: `${plan.name}: a row of ${table} by ${plan.keyColumn} → ${value}.`,
    entry: `{ name: '${plan.name}', entities: [${className}], loader: ({ dataSource }) => ${plan.loaderFunction}(dataSource) }`,
  };
}

function clashHint(plan: GroupPlan, name: string, bound: string): string {
  if (name === plan.loaderFunction) return ': choose another group name';
  if (plan.entity.kind === 'existing') return '';
  return (
    `: pass --entity=<ClassName> to name the new entity differently, or reuse that one with ` +
    `--entity=${name} --entityImport=${bound.startsWith('.') ? `${APP_DIR}/${bound.slice(2)}` : bound}`
  );
}

/** Printed after the files are written (not on a dry run). */
function nextSteps(plan: GroupPlan): string {
  const entity =
    plan.entity.kind === 'generated'
      ? `make ${plan.entity.file} match the table ${plan.entity.table}`
      : `the loader reads the table of ${plan.entity.className}`;
  return [
    `Cache group ${plan.name} added. Next:`,
    `  - ${entity} (ringcache never creates or alters tables);`,
    `  - npx nx test cache-node --testFile=${plan.specFile}`,
    `  - npx nx build cache-node and restart the nodes; budget and TTLs are groups.${plan.name} in ${CONFIG_FILE}.`,
  ].join('\n');
}

function required(tree: Tree, path: string): string {
  const text = tree.read(path, 'utf-8');
  if (text === null) {
    throw new Error(`${path} not found: run the generator at the root of the ringcache workspace`);
  }
  return text;
}
