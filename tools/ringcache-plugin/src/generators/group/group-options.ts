import { camelCase, isIdentifier, kebabCase, pascalCase, snakeCase } from './names';
import { DURATION_SYNTAX, durationMs, SIZE_SYNTAX, sizeBytes } from './units';

/** The options of `group`, as both CLIs pass them (see schema.json, which documents each one). */
export interface GroupGeneratorOptions {
  /** The group's name: 1 to 64 of A-Z a-z 0-9 _ . - (as in the config's `groups.<name>`). Required. */
  name: string;
  /** Table to read. Default: the name in snake_case. Not with `entityImport` (the entity names it). */
  table?: string;
  /** Column compared with the cache key; should be unique. Default `id`. */
  keyColumn?: string;
  /** Type of the generated entity's key column: `int` or `string`. Default `int` for `id`, else `string`. */
  keyType?: 'int' | 'string';
  /** Column whose value is cached (encodeColumnValue). Default: none, the row is cached as JSON. */
  valueColumn?: string;
  /** Comma-separated columns of the generated entity besides the key, cached as one JSON object. */
  columns?: string;
  /** Entity class: the generated one's name (default: the table in PascalCase), or an existing one. */
  entity?: string;
  /** Where the existing `entity` is exported: a tsconfig path alias or a workspace `.ts` file. */
  entityImport?: string;
  /** The group's memory budget on each node (`groups.<name>.maxBytes`). Default `64MiB`. */
  maxBytes?: string | number;
  /** Time to live of loaded values; 0 = until evicted (`groups.<name>.ttl`). Default `5m`. */
  ttl?: string | number;
  /** Time to live of a cached "not found" (`groups.<name>.negativeTtl`). Default `30s`. */
  negativeTtl?: string | number;
  /** Do not run prettier on the changed files. Default false. */
  skipFormat?: boolean;
}

/** Defaults of the options, in one place. */
export const DEFAULTS = Object.freeze({ keyColumn: 'id', maxBytes: '64MiB', ttl: '5m', negativeTtl: '30s' });

/** Where the cache-node app keeps its groups; the generator writes and edits files here only. */
export const APP_DIR = 'apps/cache-node/src/app';
export const GROUPS_FILE = `${APP_DIR}/groups.ts`;
export const CONFIG_FILE = 'config/ringcache.yaml';

/** A column of a generated entity and the class property that maps it. */
export interface EntityColumn {
  column: string;
  property: string;
}

/** An entity class written by the generator beside the loader. */
export interface GeneratedEntity {
  kind: 'generated';
  className: string;
  /** Workspace path of the entity file. */
  file: string;
  table: string;
  key: EntityColumn & { type: 'int' | 'string' };
  /** Every other column, in order (the value column alone, or `columns`). */
  columns: EntityColumn[];
}

/** An entity class that exists already: imported from a path alias or a workspace file. */
export interface ExistingEntity {
  kind: 'existing';
  className: string;
  /** As given: a tsconfig path alias such as `@ringcache/data-source`, or a workspace `.ts` file. */
  entityImport: string;
}

/** Everything the generator writes, derived from the options alone (the tree is checked separately). */
export interface GroupPlan {
  name: string;
  /** Folder of the group's files, `apps/cache-node/src/app/groups/<name in kebab-case>`. */
  dir: string;
  loaderFunction: string;
  loaderFile: string;
  specFile: string;
  keyColumn: string;
  /** One column's value, or the whole row as JSON. */
  value: { kind: 'column'; column: string } | { kind: 'row' };
  entity: GeneratedEntity | ExistingEntity;
  /** The group's settings as written to the config file, e.g. `{ maxBytes: '64MiB', … }`. */
  settings: { maxBytes: string; ttl: string; negativeTtl: string };
}

/** Bad options; the message lists every problem, one per line, each naming its option. */
export class GroupOptionsError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid options for @ringcache/tools:group:\n${issues.join('\n')}`);
    this.name = 'GroupOptionsError';
  }
}

/** Group names, as the config lib checks them: they appear in etcd keys and URLs. */
const GROUP_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const GROUP_NAME_RULE = '1 to 64 of A-Z a-z 0-9 _ . -';
/** Table and column names, as the config lib checks them for table-backed groups. */
const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const SQL_IDENTIFIER_RULE = 'an SQL identifier: a letter or _, then up to 63 of A-Z a-z 0-9 _';

/**
 * Applies defaults and checks every option, throwing one {@link GroupOptionsError} with all problems.
 * Empty strings count as absent: the Nest CLI's prompts answer an option left blank with "".
 */
export function planGroup(raw: GroupGeneratorOptions): GroupPlan {
  const issues: string[] = [];
  const issue = (option: string, message: string, value?: unknown) =>
    issues.push(`--${option}: ${message}${value === undefined ? '' : `, got ${JSON.stringify(value)}`}`);
  const given = (value: string | number | undefined) =>
    value === undefined || value === '' ? undefined : String(value).trim();

  const name = typeof raw.name === 'string' ? raw.name : '';
  const loaderFunction = `${camelCase(name)}Loader`;
  // Names made from a bad name (the default table, its class) would only repeat the problem.
  let nameOk = false;
  if (!GROUP_NAME.test(name)) {
    issue('name', `must be a group name: ${GROUP_NAME_RULE}`, raw.name);
  } else if (!/^[A-Za-z]/.test(camelCase(name))) {
    issue(
      'name',
      `becomes the function name ${loaderFunction}, not a TypeScript identifier: start it with a letter`,
      name,
    );
  } else {
    nameOk = true;
  }

  const keyColumn = given(raw.keyColumn) ?? DEFAULTS.keyColumn;
  const sqlName = (option: string, value: string | undefined) => {
    if (value !== undefined && !SQL_IDENTIFIER.test(value))
      issue(option, `must be ${SQL_IDENTIFIER_RULE}`, value);
  };
  sqlName('keyColumn', keyColumn);
  const valueColumn = given(raw.valueColumn);
  sqlName('valueColumn', valueColumn);
  if (valueColumn !== undefined && valueColumn === keyColumn) {
    issue('valueColumn', `must differ from the key column (${keyColumn})`, valueColumn);
  }

  const entityImport = given(raw.entityImport);
  const entityName = given(raw.entity);
  const dir = `${APP_DIR}/groups/${kebabCase(name)}`;
  let entity: GeneratedEntity | ExistingEntity;
  if (entityImport !== undefined) {
    entity = existingEntity(entityName, entityImport, raw, issue);
  } else {
    const context = { name, nameOk, dir, entityName, keyColumn, valueColumn, given, issue };
    entity = generatedEntity(raw, context);
  }

  type Reader = (text: string) => number | undefined;
  const setting = (option: keyof GroupPlan['settings'], read: Reader, min: number, syntax: string) =>
    checkedSetting(option, given(raw[option]) ?? DEFAULTS[option], read, min, syntax, issue);
  const settings = {
    maxBytes: setting('maxBytes', sizeBytes, 1, SIZE_SYNTAX),
    ttl: setting('ttl', durationMs, 0, DURATION_SYNTAX),
    negativeTtl: setting('negativeTtl', durationMs, 0, DURATION_SYNTAX),
  };

  if (issues.length > 0) throw new GroupOptionsError(issues);
  const file = kebabCase(name);
  return {
    name,
    dir,
    loaderFunction,
    loaderFile: `${dir}/${file}-loader.ts`,
    specFile: `${dir}/${file}-loader.spec.ts`,
    keyColumn,
    value: valueColumn === undefined ? { kind: 'row' } : { kind: 'column', column: valueColumn },
    entity,
    settings,
  };
}

type Issue = (option: string, message: string, value?: unknown) => void;

function existingEntity(
  className: string | undefined,
  entityImport: string,
  raw: GroupGeneratorOptions,
  issue: Issue,
): ExistingEntity {
  if (className === undefined)
    issue('entity', 'is required with --entityImport: the class to import from it');
  else if (!isIdentifier(className)) issue('entity', 'must be a class name', className);
  for (const option of ['table', 'keyType', 'columns'] as const) {
    if (raw[option] !== undefined && raw[option] !== '') {
      issue(
        option,
        'only applies to a generated entity: with --entityImport the entity defines the table',
        raw[option],
      );
    }
  }
  return { kind: 'existing', className: className ?? '', entityImport };
}

/** What {@link generatedEntity} needs from the options already read. */
interface EntityContext {
  name: string;
  /** False when the name was refused: names made from it are not checked again. */
  nameOk: boolean;
  dir: string;
  entityName: string | undefined;
  keyColumn: string;
  valueColumn: string | undefined;
  given: (value: string | undefined) => string | undefined;
  issue: Issue;
}

function generatedEntity(raw: GroupGeneratorOptions, context: EntityContext): GeneratedEntity {
  const { name, nameOk, dir, entityName, keyColumn, valueColumn, given, issue } = context;
  const table = given(raw.table) ?? snakeCase(name);
  const tableOk = SQL_IDENTIFIER.test(table);
  if (!tableOk && (nameOk || given(raw.table) !== undefined)) {
    const note = given(raw.table) === undefined ? ' (the default is the name in snake_case)' : '';
    issue('table', `must be ${SQL_IDENTIFIER_RULE}${note}`, table);
  }
  const className = entityName ?? pascalCase(table);
  const pascal = /^[A-Z][A-Za-z0-9]*$/;
  if (entityName !== undefined && !pascal.test(entityName)) {
    issue('entity', 'must be a class name in PascalCase (A-Z, then letters and digits)', entityName);
  } else if (entityName === undefined && !tableOk) {
    // The table was reported above (or the name was).
  } else if (!pascal.test(className)) {
    issue(
      'table',
      `gives no usable class name (${JSON.stringify(className)}): pass --entity=<ClassName>`,
      table,
    );
  } else if (className in globalThis) {
    issue(
      entityName === undefined ? 'table' : 'entity',
      `the entity class would be ${className}, a JavaScript or Node.js global: pass --entity=<ClassName>`,
    );
  }

  const keyType = raw.keyType ?? (keyColumn === 'id' ? 'int' : 'string');
  if (keyType !== 'int' && keyType !== 'string') issue('keyType', 'must be int or string', raw.keyType);

  let others: string[] = [];
  const columns = given(raw.columns);
  if (columns !== undefined) {
    others = columns.split(',').map((column) => column.trim());
    if (valueColumn !== undefined)
      issue('columns', 'give either --valueColumn or --columns, not both', columns);
    for (const column of others) {
      if (!SQL_IDENTIFIER.test(column))
        issue('columns', `each column must be ${SQL_IDENTIFIER_RULE}`, column);
      if (column === keyColumn)
        issue('columns', `lists the key column ${keyColumn}, which is always read`, columns);
    }
    if (new Set(others).size !== others.length) issue('columns', 'lists a column twice', columns);
  } else if (valueColumn !== undefined) {
    others = [valueColumn];
  } else {
    issue(
      'valueColumn',
      'is required for a generated entity: the column whose value is cached, or give --columns to cache the row ' +
        'as JSON, or an existing --entity with --entityImport',
    );
  }

  const mapped = [keyColumn, ...others].map((column) => ({ column, property: camelCase(column) }));
  const properties = new Set<string>();
  for (const { column, property } of mapped) {
    if (!isIdentifier(property) || property === 'constructor') {
      issue('columns', `column ${column} gives no usable property name (${JSON.stringify(property)})`);
    } else if (properties.has(property)) {
      issue('columns', `two columns map to the same property ${property}`, column);
    }
    properties.add(property);
  }
  return {
    kind: 'generated',
    className,
    file: `${dir}/${kebabCase(className)}.entity.ts`,
    table,
    key: { ...mapped[0], type: keyType },
    columns: mapped.slice(1),
  };
}

/** The setting's text as given, after checking it reads as the config will read it. */
function checkedSetting(
  option: string,
  text: string,
  read: (text: string) => number | undefined,
  min: number,
  syntax: string,
  issue: Issue,
): string {
  const value = read(text);
  if (value === undefined) issue(option, `must be ${syntax}`, text);
  else if (value < min) issue(option, `must be at least ${min}`, text);
  return text;
}
