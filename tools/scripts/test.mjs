// `npm test`: runs every project's tests (unit suites first, in parallel; then the end-to-end suites, one
// at a time, since they start real processes), then prints the total line from the Jest JSON results.
// Extra arguments are passed to Nx, e.g. `npm test -- --skip-nx-cache`.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { nxEnv, projectsWithTarget, root } from './workspace.mjs';

const nx = resolve(root, 'node_modules/nx/dist/bin/nx.js');
const extra = process.argv.slice(2);
const projects = projectsWithTarget('test');
for (const project of projects) rmSync(join(root, project.root, 'jest-results.json'), { force: true });

const e2e = projects.filter((p) => p.name.endsWith('-e2e')).map((p) => p.name);
const run = (args) =>
  spawnSync(process.execPath, [nx, ...args, '--outputStyle=static', ...extra], {
    cwd: root,
    env: nxEnv,
    stdio: 'inherit',
  }).status;

let status = run([
  'run-many',
  '-t',
  'test',
  '--parallel=2',
  ...(e2e.length ? [`--exclude=${e2e.join(',')}`] : []),
]);
if (e2e.length)
  status = run(['run-many', '-t', 'test', '--parallel=1', `--projects=${e2e.join(',')}`]) || status;

const summary = spawnSync(process.execPath, [join(root, 'tools/scripts/test-summary.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(status || summary.status || 0);
