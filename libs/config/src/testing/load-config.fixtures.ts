import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { tempDir, type TempDir } from '@ringcache/testing';

import { ConfigError } from '../lib/errors';

const dirs: TempDir[] = [];

/** A fresh directory with no config/ folder: loading from it sees built-in defaults only. */
export function emptyDir(): string {
  const dir = tempDir('ringcache-config-');
  dirs.push(dir);
  return dir.path;
}

/** Writes `yaml` to `<dir>/<name>` in a fresh directory; returns both paths. */
export function yamlFile(yaml: string, name = 'ringcache.yaml'): { cwd: string; file: string } {
  const cwd = emptyDir();
  const file = join(cwd, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, yaml);
  return { cwd, file };
}

/** The issues of the ConfigError that loading throws. */
export function issuesOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** Removes every directory {@link emptyDir} and {@link yamlFile} made; a spec file's afterAll. */
export function removeConfigDirs(): void {
  for (const dir of dirs.splice(0)) dir.remove();
}
