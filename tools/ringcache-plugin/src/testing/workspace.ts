import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';

/** The workspace root (the folder holding nx.json), found from this file. */
export const WORKSPACE_ROOT = ((): string => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
})();

/**
 * The real files the generator reads or edits, copied into scratch trees: the app's groups, the
 * configuration, the path aliases (for --entityImport) and the data-source barrel (which exports Student).
 */
export const INPUT_FILES = [
  'apps/cache-node/src/app/groups.ts',
  'config/ringcache.yaml',
  'tsconfig.base.json',
  'libs/data-source/src/index.ts',
];

/** The content of a file of the real workspace. */
export function realFile(path: string): string {
  return readFileSync(join(WORKSPACE_ROOT, path), 'utf-8');
}

/**
 * An Nx scratch tree (createTreeWithEmptyWorkspace) holding copies of {@link INPUT_FILES}, with no formatter:
 * the specs see exactly what the generator wrote (prettier, being ESM, cannot run under Jest anyway).
 */
export function workspaceTree(): Tree {
  const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  for (const path of INPUT_FILES) tree.write(path, realFile(path));
  return tree;
}

/** The files under apps/ and config/ that `tree` adds or changes (compared with the real workspace). */
export function changedFiles(tree: Tree): Map<string, string> {
  const result = new Map<string, string>();
  for (const change of tree.listChanges()) {
    if (change.type === 'DELETE' || !/^(apps|config)\//.test(change.path)) continue;
    const text = change.content?.toString() ?? '';
    if (!INPUT_FILES.includes(change.path) || text !== realFile(change.path)) result.set(change.path, text);
  }
  return result;
}
