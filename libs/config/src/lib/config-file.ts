import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { parseDocument } from 'yaml';

import { isMapping } from './readers';
import type { ConfigFile } from './resolver';
import { CONFIG_FILE_ENV, SETTINGS } from './settings';

/** Where the file read by default lives, relative to the working directory. */
export const DEFAULT_CONFIG_FILE = 'config/ringcache.yaml';

/** What reading the configuration file gave: its settings, if any, and what was wrong with it. */
export interface FileResult {
  file?: ConfigFile;
  issues: string[];
}

/**
 * Reads the YAML file: `file` if given, else the one RINGCACHE_CONFIG names, else
 * `<cwd>/config/ringcache.yaml` when it exists. Only a file someone asked for must exist; without one,
 * defaults and the environment apply. Relative paths resolve against `cwd`.
 */
export function readConfigFile(file: string | undefined, env: NodeJS.ProcessEnv, cwd: string): FileResult {
  const named = file ?? (env[CONFIG_FILE_ENV] || undefined);
  const path = resolve(cwd, named ?? DEFAULT_CONFIG_FILE);
  if (named === undefined && !existsSync(path)) return { issues: [] };
  const label = `config file ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (error as Error).message;
    const from = file === undefined ? `from ${CONFIG_FILE_ENV}` : 'from the file option';
    return { issues: [`${label}: ${why} (${from})`] };
  }
  // uniqueKeys: a key written twice is almost always a merge accident; YAML would silently keep the last.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    // The first line has the message and position; the rest is a code excerpt that would break the list.
    return { issues: doc.errors.map((e) => `${label}: ${e.message.split('\n')[0].replace(/:$/, '')}`) };
  }
  let data: unknown;
  try {
    // Aliases are resolved here: one to an anchor not yet set, or too many (an alias bomb), throws.
    data = doc.toJS() ?? {};
  } catch (error) {
    return { issues: [`${label}: ${(error as Error).message}`] };
  }
  if (!isMapping(data)) {
    return {
      issues: [
        `${label}: must be a mapping of settings, got a ${Array.isArray(data) ? 'list' : typeof data}`,
      ],
    };
  }
  return {
    file: { path, data },
    issues: unknownSettings(data, '').map((issue) => `${issue} (from file ${path})`),
  };
}

/**
 * Keys of the file that are no setting (typos, mostly), each as `node.grpcPrt: unknown setting`, with a
 * suggestion when a known key is close. Lists and `groups` are checked when they are read.
 */
function unknownSettings(data: Record<string, unknown>, prefix: string): string[] {
  const issues: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    const path = prefix + key;
    if (KNOWN.has(path)) continue;
    if (!SECTIONS.has(path)) {
      const near = closest(key, siblings(prefix));
      issues.push(`${path}: unknown setting${near ? `, did you mean ${prefix}${near}?` : ''}`);
    } else if (isMapping(value)) {
      issues.push(...unknownSettings(value, `${path}.`));
    } else if (value !== null) {
      issues.push(`${path}: must be a mapping of settings, got ${JSON.stringify(value)}`);
    }
  }
  return issues;
}

/** Paths of settings, and of the sections that hold them. */
const KNOWN = new Set<string>([...Object.keys(SETTINGS), 'groups']);
const SECTIONS = new Set([...KNOWN].flatMap(ancestors));

/** `etcd.tls.caFile` → `etcd`, `etcd.tls`. */
function ancestors(path: string): string[] {
  const parts = path.split('.');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('.'));
}

/** Keys allowed right under `prefix` (which ends with a dot, or is empty for the top level). */
function siblings(prefix: string): string[] {
  const keys = [...KNOWN, ...SECTIONS]
    .filter((path) => path.startsWith(prefix))
    .map((path) => path.slice(prefix.length));
  return [...new Set(keys.filter((key) => !key.includes('.')))];
}

/** The candidate within two edits of `key` (ignoring case), if any. */
function closest(key: string, candidates: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}
