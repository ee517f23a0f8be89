import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

import { APP_NAMES, APPS, isApp, type Repo, ROOT } from './deployment-repo';
import {
  copies,
  envOf,
  execForm,
  expand,
  globalDefaults,
  last,
  options,
  parseDockerfile,
  runs,
  splitOnce,
  type Stage,
} from './dockerfile-parser';
import { clean, ignored } from './dockerignore';

/** npm 11 is the first to honour package.json#allowScripts (only better-sqlite3 may run its build). */
const NPM_MAJOR = 11;
/** Where the runtime stage puts the health check script, in the image's WORKDIR. */
const HEALTHCHECK_SCRIPT = 'healthcheck.js';

/** Source files under `dir` (not node_modules), as paths from the root. */
function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(join(ROOT, path), { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const child = posix.join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (/\.(ts|mts|cts|js|mjs|cjs|proto)$|(^|\/)(tsconfig[^/]*|project)\.json$/.test(child))
        found.push(child);
    }
  };
  if (existsSync(join(ROOT, dir)) && statSync(join(ROOT, dir)).isDirectory()) walk(dir);
  return found;
}

/**
 * Every problem of the Dockerfile `text` against the repository: its stages, images, copies, build,
 * runtime, user, ports, health checks and commands.
 */
export function checkDockerfile(text: string, repo: Repo): string[] {
  const problems: string[] = [];
  const df = parseDockerfile(text);
  const byName = new Map(df.stages.map((s) => [s.name, s]));
  const stage = (name: string): Stage | undefined => byName.get(name);
  const required = ['base', 'deps', 'build', 'prod-deps', 'runtime', ...APP_NAMES.map((a) => `app-${a}`)];
  for (const name of required) if (!stage(name)) problems.push(`no stage ${name}`);

  if (df.directives.get('syntax') !== 'docker/dockerfile:1')
    problems.push('first line: # syntax=docker/dockerfile:1');

  // The apps: the ones project.json builds, each with its own stage; APP picks one.
  const built = [...repo.builds.keys()].sort();
  if (built.join() !== [...APP_NAMES].sort().join())
    problems.push(`apps built by project.json (${built}) are not the image's apps (${APP_NAMES})`);
  const appDefault = df.globalArgs.get('APP');
  if (!isApp(appDefault))
    problems.push(`ARG APP before the first FROM needs an app as default, got ${appDefault}`);

  // FROM: an earlier stage, or an external image pinned by major version (node: the repository's Node).
  const nodeMajor = process.versions.node.split('.')[0];
  df.stages.forEach((s, index) => {
    const earlier = new Set(df.stages.slice(0, index).map((e) => e.name));
    const bases = new Set(APP_NAMES.map((app) => expand(s.from, { ...globalDefaults(df), APP: app })));
    for (const base of bases) {
      if (earlier.has(base)) continue;
      if (/\$/.test(base)) problems.push(`stage ${s.name}: FROM ${s.from} names no stage for some APP`);
      else if (!/^[\w./-]+:[\w.-]+$/.test(base) || /:latest$/.test(base))
        problems.push(`stage ${s.name}: FROM ${base} must name a stage or a tagged image`);
      else if (base.startsWith('node:') && !base.startsWith(`node:${nodeMajor}-`))
        problems.push(`stage ${s.name}: FROM ${base} is not Node ${nodeMajor}, the repository's Node`);
      else if (!base.startsWith('node:')) problems.push(`stage ${s.name}: unexpected external image ${base}`);
    }
    if (s.instructions.some((i) => i.keyword === 'ADD')) problems.push(`stage ${s.name}: use COPY, not ADD`);
  });
  const finalStage = df.stages[df.stages.length - 1];
  for (const app of APP_NAMES)
    if (finalStage && expand(finalStage.from, { APP: app }) !== `app-${app}`)
      problems.push(`the last stage (FROM ${finalStage.from}) must be app-${app} when APP=${app}`);

  // COPY --from names an earlier stage; COPY from the context copies files that exist and are not ignored.
  df.stages.forEach((s, index) => {
    const earlier = new Set(df.stages.slice(0, index).map((e) => e.name));
    for (const copy of copies(s)) {
      if (copy.from !== undefined) {
        if (!earlier.has(copy.from))
          problems.push(`line ${copy.line}: COPY --from=${copy.from} names no earlier stage`);
        continue;
      }
      for (const source of copy.sources) {
        if (/[*?$]/.test(source)) problems.push(`line ${copy.line}: COPY ${source}: name files plainly`);
        else if (!existsSync(join(ROOT, source)))
          problems.push(`line ${copy.line}: COPY ${source}: no such path`);
        else if (ignored(repo.dockerignore, source))
          problems.push(`line ${copy.line}: COPY ${source} is excluded by .dockerignore`);
      }
    }
  });

  // ${NAME} in COPY is an ARG or ENV of its stage.
  for (const s of df.stages) {
    const declared = new Set([
      ...s.instructions.filter((i) => i.keyword === 'ARG').map((i) => splitOnce(i.args, '=')[0]),
      ...envOf(s).keys(),
    ]);
    for (const i of s.instructions.filter((i) => i.keyword === 'COPY'))
      for (const [, a, b] of i.args.matchAll(/\$\{(\w+)\}|\$(\w+)/g))
        if (!declared.has(a ?? b))
          problems.push(`line ${i.line}: $${a ?? b} is not declared in stage ${s.name}`);
  }

  const base = stage('base');
  const deps = stage('deps');
  const build = stage('build');
  const prodDeps = stage('prod-deps');
  const runtime = stage('runtime');
  const chain = (s: Stage | undefined): Stage[] => (s ? [s, ...chain(stage(s.from))] : []);

  // npm 11 wherever npm ci runs.
  for (const s of [deps, prodDeps])
    if (s && !chain(s).some((c) => runs(c).some((r) => r.includes(`npm@${NPM_MAJOR}.`))))
      problems.push(
        `stage ${s.name}: npm ${NPM_MAJOR} (package.json#allowScripts) is not installed before npm ci`,
      );

  if (deps) {
    const install = runs(deps).find((r) => /apt-get install/.test(r)) ?? '';
    for (const tool of ['python3', 'make', 'g++'])
      if (!install.split(/\s+/).includes(tool)) problems.push(`stage deps: apt-get install lacks ${tool}`);
    const ci = runs(deps).find((r) => /\bnpm ci\b/.test(r)) ?? '';
    if (!ci || /--omit|--ignore-scripts/.test(ci))
      problems.push('stage deps: npm ci must install everything and run the approved scripts');
    const sources = copies(deps).flatMap((c) => c.sources);
    for (const file of ['package.json', 'package-lock.json'])
      if (!sources.includes(file)) problems.push(`stage deps: does not copy ${file}`);
  }

  if (build) {
    const env = new Map(chain(build).flatMap((s) => [...envOf(s)]));
    if (env.get('NX_DAEMON') !== 'false') problems.push('stage build: ENV NX_DAEMON=false');
    if (env.get('NX_NO_CLOUD') !== 'true') problems.push('stage build: ENV NX_NO_CLOUD=true');
    if (!build.instructions.some((i) => i.keyword === 'ARG' && splitOnce(i.args, '=')[0] === 'APP'))
      problems.push('stage build: ARG APP');
    if (!runs(build).some((r) => /npx nx build "?\$\{?APP\}?"?/.test(r)))
      problems.push('stage build: RUN npx nx build "$APP"');
    if (!runs(build).some((r) => r.includes('test -f "dist/apps/$APP/main.js"')))
      problems.push('stage build: check that the build wrote dist/apps/$APP/main.js');
    // What the build reads must be in the image: every copied path, from the context.
    const copied = chain(build).flatMap((s) =>
      copies(s)
        .filter((c) => c.from === undefined)
        .flatMap((c) => c.sources),
    );
    const covered = (path: string) =>
      copied.some((c) => clean(path) === clean(c) || clean(path).startsWith(`${clean(c)}/`));
    const needed = [
      'package.json',
      'package-lock.json',
      'nx.json',
      'tsconfig.base.json',
      ...[...repo.builds.values()].flatMap((b) => [b.script, b.projectDir]),
      ...repo.nxPlugins,
      ...repo.compiled,
    ];
    for (const path of needed) if (!covered(path)) problems.push(`stage build: ${clean(path)} is not copied`);
    const readByBuild = new Set([...repo.compiled, ...copied.flatMap(sourceFiles)]);
    for (const file of readByBuild)
      if (ignored(repo.dockerignore, file))
        problems.push(`.dockerignore leaves out ${file}, which the build reads`);
  }

  if (prodDeps) {
    if (!runs(prodDeps).some((r) => /\bnpm ci\b.*--omit=dev/.test(r)))
      problems.push('stage prod-deps: RUN npm ci --omit=dev');
    const addon = copies(prodDeps).find(
      (c) => c.from === 'deps' && c.sources.some((s) => s.endsWith('.node')),
    );
    if (!addon)
      problems.push('stage prod-deps: reuse the addon compiled in deps (COPY --from=deps …/*.node)');
  }

  if (runtime) {
    if (base && runtime.from !== base.from)
      problems.push(`stage runtime: FROM ${runtime.from}, not the Node image of the build (${base.from})`);
    const destinations = copies(runtime)
      .map((c) => clean(c.destination))
      .sort();
    const expected = ['dist/apps/${APP}', HEALTHCHECK_SCRIPT, 'node_modules', 'package.json'];
    if (destinations.join() !== expected.join())
      problems.push(`stage runtime: copies ${destinations}, expected only ${expected}`);
    const dist = copies(runtime).find((c) => clean(c.destination) === 'dist/apps/${APP}');
    for (const app of APP_NAMES) {
      const out = repo.builds.get(app)?.outDir;
      if (
        dist &&
        (dist.from !== 'build' || clean(expand(dist.sources[0] ?? '', { APP: app })) !== `/app/${out}`)
      )
        problems.push(`stage runtime: copy ${app}'s build output from /app/${out} of stage build`);
    }
    const script = copies(runtime).find((c) => clean(c.destination) === HEALTHCHECK_SCRIPT);
    if (script && (script.from !== undefined || script.sources.join() !== 'docker/healthcheck.js'))
      problems.push(`stage runtime: copy docker/healthcheck.js from the context to ${HEALTHCHECK_SCRIPT}`);
    const env = envOf(runtime);
    for (const variable of [...env.keys()].filter((v) => v.startsWith('RINGCACHE_')))
      if (!repo.variables.has(variable)) problems.push(`stage runtime: ENV ${variable} is not a setting`);
  }

  for (const app of APP_NAMES) {
    const s = stage(`app-${app}`);
    if (!s) continue;
    const spec = APPS[app];
    if (s.from !== 'runtime') problems.push(`stage ${s.name}: FROM runtime`);
    const user = chain(s)
      .map((c) => last(c, 'USER')?.args)
      .find((u) => u !== undefined);
    if (!user || /^(root|0)(:|$)/.test(user))
      problems.push(`stage ${s.name}: runs as ${user ?? 'root'}, not a user`);

    const exposed = s.instructions
      .filter((i) => i.keyword === 'EXPOSE')
      .flatMap((i) => i.args.split(/\s+/))
      .map((p) => Number(p.replace(/\/tcp$/, '')));
    const ports = spec.ports(repo.defaults);
    if (exposed.join() !== ports.join())
      problems.push(`stage ${s.name}: EXPOSE ${exposed}, the defaults are ${ports}`);

    const healthcheck = last(s, 'HEALTHCHECK');
    const probe = healthcheck && execForm(options(healthcheck.args).rest.replace(/^CMD\s+/, ''));
    if (probe?.join() !== ['node', HEALTHCHECK_SCRIPT, app].join())
      problems.push(`stage ${s.name}: HEALTHCHECK CMD ["node", "${HEALTHCHECK_SCRIPT}", "${app}"]`);

    const out = repo.builds.get(app);
    const cmd = execForm(last(s, 'CMD')?.args ?? '');
    const main = out && `${out.outDir}/main.js`;
    if (!out || !out.outputs.includes(`{workspaceRoot}/${out.outDir}`))
      problems.push(`${app}: project.json's build outputs are not its --out folder`);
    if (!cmd || cmd.join(' ') !== `node ${main}`)
      problems.push(`stage ${s.name}: CMD ${JSON.stringify(cmd)}, expected ["node", "${main}"]`);
  }
  return problems;
}
