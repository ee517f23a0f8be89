import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The workspace root (the folder holding nx.json), found from this file's location. */
export function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** Path of a built app's entry point, e.g. dist/apps/cache-node/main.js; fails clearly when not built. */
export function builtApp(app: 'cache-node' | 'gateway' | 'ttl-worker'): string {
  const main = join(workspaceRoot(), 'dist', 'apps', app, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} does not exist: run \`npx nx build ${app}\` first`);
  return main;
}
