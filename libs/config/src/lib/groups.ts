import { NAME, NAME_RULE, fail, fromJson, isMapping } from './readers';
import type { GroupConfig, RingcacheConfig } from './ringcache-config';
import { DEFAULT_ORIGIN, type Origin, type Resolver } from './resolver';
import { DEFAULT_GROUPS, GROUPS_ENV, GROUP_SETTINGS } from './settings';

type GroupKey = keyof typeof GROUP_SETTINGS;

/** Raw groups from one origin: group name → raw settings. */
interface Layer {
  groups: Readonly<Record<string, unknown>>;
  origin: Origin;
}

const KEYS = Object.keys(GROUP_SETTINGS) as GroupKey[];

/** The group settings of a group that is not configured, in ms and bytes. */
export const DEFAULT_GROUP: GroupConfig = Object.freeze(
  groupOf((key) => GROUP_SETTINGS[key].read(GROUP_SETTINGS[key].default)),
);

/**
 * The settings of group `name`: as configured, or {@link DEFAULT_GROUP} for a group the configuration
 * does not list (a group an app registers in code, say).
 */
export function groupConfig(config: RingcacheConfig, name: string): GroupConfig {
  return Object.hasOwn(config.groups, name) ? config.groups[name] : DEFAULT_GROUP;
}

/**
 * The groups: the file's `groups` (or, when the file has none, the built-in `scores`), with
 * RINGCACHE_GROUPS — a JSON object of groups — merged over them field by field. A field set nowhere gets
 * the default of a group that is not configured; each value keeps its own origin for messages.
 */
export function resolveGroups(resolver: Resolver): Record<string, GroupConfig> {
  const layers = [fileLayer(resolver), envLayer(resolver)].filter((layer) => layer !== undefined);
  const names = new Set(layers.flatMap((layer) => Object.keys(layer.groups)));
  // Entries, not assignments: Object.fromEntries keeps a group named "__proto__" an ordinary key.
  const result: [string, GroupConfig][] = [];
  for (const name of names) {
    const present = layers.filter((layer) => Object.hasOwn(layer.groups, name));
    if (!NAME.test(name)) {
      const at = `groups.${JSON.stringify(name)}`;
      resolver.issue(at, `invalid group name: use ${NAME_RULE}`, present[present.length - 1].origin);
      continue;
    }
    const entries = present.map((layer) => ({ raw: entryOf(resolver, name, layer), origin: layer.origin }));
    const group = groupOf((key) => {
      // The last layer that sets the field wins: the environment over the file.
      const entry = entries.filter((e) => e.raw[key] !== undefined && e.raw[key] !== null).pop();
      const setting = GROUP_SETTINGS[key];
      const raw = entry ? entry.raw[key] : setting.default;
      return resolver.attempt(
        `groups.${name}.${key}`,
        entry?.origin ?? DEFAULT_ORIGIN,
        () => setting.read(raw),
        setting,
      );
    });
    result.push([name, group]);
  }
  return Object.fromEntries(result);
}

function fileLayer(resolver: Resolver): Layer {
  const raw = resolver.fileValue('groups');
  if (raw === undefined) return { groups: DEFAULT_GROUPS, origin: DEFAULT_ORIGIN };
  const origin = resolver.fileOrigin();
  const read = () => (isMapping(raw) ? raw : fail('must be a mapping of group name to settings', raw));
  return { groups: resolver.attempt('groups', origin, read, { read: () => ({}), default: {} }), origin };
}

function envLayer(resolver: Resolver): Layer | undefined {
  const text = resolver.envText(GROUPS_ENV);
  if (text === undefined) return undefined;
  const origin: Origin = { kind: 'env', variable: GROUPS_ENV };
  const read = () => {
    const value = fromJson(text);
    return isMapping(value) ? value : fail('must be a JSON object of group name to settings', value);
  };
  return { groups: resolver.attempt('groups', origin, read, { read: () => ({}), default: {} }), origin };
}

/** One group's raw settings in a layer; unknown keys and non-mappings are reported. */
function entryOf(resolver: Resolver, name: string, layer: Layer): Record<string, unknown> {
  const raw = layer.groups[name];
  if (raw === null || raw === undefined) return {}; // `scores:` with nothing after it: all defaults
  if (!isMapping(raw)) {
    resolver.issue(
      `groups.${name}`,
      `must be a mapping of settings (${KEYS.join(', ')}), got ${JSON.stringify(raw)}`,
      layer.origin,
    );
    return {};
  }
  for (const key of Object.keys(raw)) {
    if (!(KEYS as string[]).includes(key)) {
      resolver.issue(
        `groups.${name}.${key}`,
        `unknown setting; a group has ${KEYS.join(', ')}`,
        layer.origin,
      );
    }
  }
  return raw;
}

/** A GroupConfig from its file settings, read one by one. */
function groupOf(value: (key: GroupKey) => unknown): GroupConfig {
  const [table, keyColumn, valueColumn] = [
    value('table'),
    value('keyColumn'),
    value('valueColumn'),
  ] as string[];
  return {
    maxBytes: value('maxBytes') as number,
    ttlMs: value('ttl') as number,
    negativeTtlMs: value('negativeTtl') as number,
    hotShare: value('hotShare') as number,
    hotKeyCapacity: value('hotKeys') as number,
    hotKeyWindowMs: value('hotKeyWindow') as number,
    loadTimeoutMs: value('loadTimeout') as number,
    staleGraceMs: value('staleOnError') as number,
    // Kept when any of the three is set, so that checkRules can name the ones missing.
    source: table || keyColumn || valueColumn ? { table, keyColumn, valueColumn } : undefined,
  };
}
