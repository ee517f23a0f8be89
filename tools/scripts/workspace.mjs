// Small helpers shared by the workspace scripts: the workspace root and the project list.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the workspace root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Environment for Nx runs: no daemon, no cloud, no analytics, plain output. */
export const nxEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

/** Every project (a folder with a project.json under apps/, libs/ or tools/), as `{ name, root, targets }`. */
export function projects() {
  const found = [];
  const walk = (dir, depth) => {
    if (existsSync(join(dir, 'project.json'))) {
      const config = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8'));
      found.push({
        name: config.name,
        root: relative(root, dir),
        targets: Object.keys(config.targets ?? {}),
      });
    }
    if (depth === 0) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
        walk(join(dir, entry.name), depth - 1);
    }
  };
  for (const top of ['apps', 'libs', 'tools']) if (existsSync(join(root, top))) walk(join(root, top), 2);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** Projects that define `target`. */
export function projectsWithTarget(target) {
  return projects().filter((p) => p.targets.includes(target));
}
