import { Invalid, isMapping } from './readers';
import { SETTINGS, type Setting, type SettingPath, type SettingValue } from './settings';

/** Where a value came from, so that a message can say which file or variable to fix. */
export type Origin = { kind: 'default' } | { kind: 'file'; path: string } | { kind: 'env'; variable: string };

/** A YAML file's settings, as parsed. */
export interface ConfigFile {
  /** Absolute path. */
  path: string;
  data: Record<string, unknown>;
}

/** The origin of built-in defaults. */
export const DEFAULT_ORIGIN: Origin = { kind: 'default' };

/**
 * Picks each setting's value by precedence — environment, then file, then default — reads it, and
 * collects every problem as a message naming the setting, the value and its origin, instead of stopping
 * at the first. A rejected value is replaced by its default so that building can go on; rules that
 * compare settings skip rejected ones (see {@link isRejected}) rather than pile a second message on them.
 */
export class Resolver {
  /** Every problem found so far, as final messages. */
  readonly issues: string[] = [];
  private readonly rejected = new Set<string>();
  private readonly origins = new Map<string, Origin>();

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly file: ConfigFile | undefined,
  ) {}

  /** The value of a setting from the table in settings.ts. */
  get<P extends SettingPath>(path: P): SettingValue<P> {
    const setting = SETTINGS[path] as Setting<SettingValue<P>>;
    const variable = this.envText(setting.env);
    if (variable !== undefined) {
      const origin: Origin = { kind: 'env', variable: setting.env };
      const read = () => setting.read(setting.fromEnv ? setting.fromEnv(variable) : variable);
      return this.attempt(path, origin, read, setting);
    }
    const fromFile = this.fileValue(path);
    if (fromFile !== undefined)
      return this.attempt(path, this.fileOrigin(), () => setting.read(fromFile), setting);
    return this.attempt(path, DEFAULT_ORIGIN, () => setting.read(setting.default), setting);
  }

  /**
   * `read()` for the setting at `label`, remembering `origin`. If it throws {@link Invalid}, each problem
   * becomes an issue and the result is `setting.read(setting.default)`.
   */
  attempt<T>(
    label: string,
    origin: Origin,
    read: () => T,
    setting: Pick<Setting<T>, 'read' | 'default' | 'redact'>,
  ): T {
    this.origins.set(label, origin);
    try {
      return read();
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      for (const problem of error.problems) {
        const got =
          'value' in problem
            ? `, got ${show(setting.redact ? setting.redact(problem.value) : problem.value)}`
            : '';
        this.issue(label + problem.at, problem.message + got, origin);
      }
      this.rejected.add(label);
      return setting.read(setting.default);
    }
  }

  /** Records a problem: `<label>: <message> (<origin>)`. */
  issue(label: string, message: string, origin: Origin): void {
    this.issues.push(`${label}: ${message} (${describeOrigin(origin)})`);
  }

  /** Whether the value at `label` was rejected (and replaced by its default). */
  isRejected(label: string): boolean {
    return this.rejected.has(label);
  }

  /** Where the value at `label` came from. */
  originOf(label: string): Origin {
    return this.origins.get(label) ?? DEFAULT_ORIGIN;
  }

  /** A variable's text; empty counts as unset, as docker-compose passes `${UNSET}` through as "". */
  envText(variable: string): string | undefined {
    const value = this.env[variable];
    return value === undefined || value === '' ? undefined : value;
  }

  /** The file's value at a dotted path; `undefined` when absent or null (`key:` with nothing after it). */
  fileValue(path: string): unknown {
    let node: unknown = this.file?.data;
    for (const key of path.split('.')) {
      if (!isMapping(node)) return undefined;
      node = node[key];
    }
    return node ?? undefined;
  }

  /** The origin of values from the file. */
  fileOrigin(): Origin {
    return this.file ? { kind: 'file', path: this.file.path } : DEFAULT_ORIGIN;
  }
}

/** `from RINGCACHE_X`, `from file /path`, or `default`. */
export function describeOrigin(origin: Origin): string {
  switch (origin.kind) {
    case 'env':
      return `from ${origin.variable}`;
    case 'file':
      return `from file ${origin.path}`;
    case 'default':
      return 'default';
  }
}

/** A raw value as quoted in messages: strings in JSON quotes, structures as short JSON. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json =
    typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
