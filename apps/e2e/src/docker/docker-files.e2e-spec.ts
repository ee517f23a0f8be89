import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';

import ts from 'typescript';
import { parse as parseYaml } from 'yaml';

import { loadConfig, type RingcacheConfig } from '@ringcache/config';
import { DEMO_STUDENTS, DEMO_TABLE, parseMysqlUrl } from '@ringcache/data-source';
import { tempDir, type TempDir, workspaceRoot } from '@ringcache/testing';

import { composeTlsProblems, isOneShot, makeCerts, withLocalCerts } from './compose-tls';

/**
 * The deployment files (docker/Dockerfile, docker/compose.yaml, /.dockerignore), checked statically:
 * no Docker engine runs here. The files are parsed — the Dockerfile by a small line parser, compose.yaml
 * with the `yaml` package — and held against the repository: the apps' build outputs, the settings of
 * @ringcache/config (every RINGCACHE_* variable, and the config loader itself), the demo data. Each check
 * returns every problem it finds, so one run names them all; the last tests break the files on purpose
 * and expect the checks to notice.
 */

const ROOT = workspaceRoot();
const DOCKERFILE = 'docker/Dockerfile';
const COMPOSE = 'docker/compose.yaml';
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** The apps the image builds, each with the settings of its listen address and health check. */
const APPS = {
  'cache-node': {
    ports: (c: RingcacheConfig) => [c.node.grpcPort, c.node.httpPort],
    healthPort: (c: RingcacheConfig) => c.node.httpPort,
    healthPortSetting: 'node.httpPort',
    host: (c: RingcacheConfig) => c.node.host,
  },
  gateway: {
    ports: (c: RingcacheConfig) => [c.gateway.port],
    healthPort: (c: RingcacheConfig) => c.gateway.port,
    healthPortSetting: 'gateway.port',
    host: (c: RingcacheConfig) => c.gateway.host,
  },
  'ttl-worker': {
    ports: (c: RingcacheConfig) => [c.ttlWorker.port],
    healthPort: (c: RingcacheConfig) => c.ttlWorker.port,
    healthPortSetting: 'ttlWorker.port',
    host: (c: RingcacheConfig) => c.ttlWorker.host,
  },
} as const;
type App = keyof typeof APPS;
const APP_NAMES = Object.keys(APPS) as App[];
const isApp = (name: unknown): name is App => typeof name === 'string' && name in APPS;

/** npm 11 is the first to honour package.json#allowScripts (only better-sqlite3 may run its build). */
const NPM_MAJOR = 11;

// ---------------------------------------------------------------------------------------------------------
// What the repository says.

/** An app's build, from its project.json: `node <script> --project <dir> --out <dir>`. */
interface AppBuild {
  script: string;
  projectDir: string;
  outDir: string;
  outputs: string[];
}

interface Repo {
  /** Apps whose project.json builds them with the compiler step, by name. */
  builds: Map<string, AppBuild>;
  /** RINGCACHE_* variable → setting path, from the table in libs/config/README.md. */
  variables: Map<string, string>;
  /** Every setting's default: the configuration of an empty environment, without a file. */
  defaults: RingcacheConfig;
  /** Every file of ours that compiling the apps reads, as TypeScript resolves them (from the root). */
  compiled: string[];
  /** Local Nx plugins of nx.json (Nx loads them for any command, `nx build` too). */
  nxPlugins: string[];
  /** Lines of /.dockerignore that are patterns. */
  dockerignore: string[];
  /** The temp dir used as the config loader's cwd (holds no config file). */
  cwd: string;
  /** The compose certificates, made in the temp dir by the `certs` service's script (for /certs/…). */
  certs: string;
}

function appBuilds(): Map<string, AppBuild> {
  const builds = new Map<string, AppBuild>();
  for (const dir of readdirSync(join(ROOT, 'apps'))) {
    const file = join(ROOT, 'apps', dir, 'project.json');
    if (!existsSync(file)) continue;
    const project = JSON.parse(readFileSync(file, 'utf8')) as {
      name: string;
      targets?: { build?: { outputs?: string[]; options?: { command?: string } } };
    };
    const command = project.targets?.build?.options?.command ?? '';
    const match = /^node (\S+) --project (\S+) --out (\S+)$/.exec(command);
    if (!match) continue;
    const [, script, projectDir, outDir] = match;
    builds.set(project.name, { script, projectDir, outDir, outputs: project.targets?.build?.outputs ?? [] });
  }
  return builds;
}

/**
 * The files `tools/build/compile-node.mjs` compiles for an app (its tsconfig.app.json, as the build uses
 * it), with the tsconfig files they extend: what the image's build stage must hold.
 */
let previous: ts.Program | undefined;
function compiledFiles(projectDir: string): string[] {
  const configFile = join(ROOT, projectDir, 'tsconfig.app.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configFile,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${configFile}`);
  // Each app's program reuses the files the previous one parsed (the libraries they share).
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    oldProgram: previous,
  });
  previous = program;
  const ours = program
    .getSourceFiles()
    .map((file) => relative(ROOT, file.fileName).split(sep).join('/'))
    .filter((file) => !file.startsWith('..') && !file.includes('node_modules/'));
  return [...ours, `${projectDir}/tsconfig.app.json`, `${projectDir}/tsconfig.json`, 'tsconfig.base.json'];
}

function localNxPlugins(): string[] {
  const nx = JSON.parse(read('nx.json')) as { plugins?: (string | { plugin: string })[] };
  return (nx.plugins ?? [])
    .map((p) => (typeof p === 'string' ? p : p.plugin))
    .filter((p) => existsSync(join(ROOT, p)));
}

/**
 * The documented variables. The table in settings.ts is internal to @ringcache/config; its README table
 * is public, and the config's own tests keep every variable of settings.ts in it.
 */
function documentedVariables(): Map<string, string> {
  const readme = read('libs/config/README.md');
  const rows = readme.matchAll(/^\|\s*`(RINGCACHE_[A-Z0-9_]+)`\s*\|\s*([^|]+?)\s*\|/gm);
  return new Map([...rows].map(([, variable, setting]) => [variable, setting.replace(/`/g, '').trim()]));
}

function loadRepo(cwd: string): Repo {
  const builds = appBuilds();
  return {
    builds,
    variables: documentedVariables(),
    defaults: loadConfig({ env: {}, cwd }),
    compiled: [...new Set([...builds.values()].flatMap((b) => compiledFiles(b.projectDir)))].sort(),
    nxPlugins: localNxPlugins(),
    dockerignore: patternLines(read('.dockerignore')),
    cwd,
    certs: join(cwd, 'certs'),
  };
}

// ---------------------------------------------------------------------------------------------------------
// A Dockerfile, parsed line by line.

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  name: string;
  /** The FROM argument as written (may hold ${ARG}). */
  from: string;
  line: number;
  instructions: Instruction[];
}

interface ParsedDockerfile {
  directives: Map<string, string>;
  /** ARGs before the first FROM, with their defaults. */
  globalArgs: Map<string, string | undefined>;
  stages: Stage[];
}

/** Joins continuation lines, drops comments (but reads parser directives), splits into stages. */
function parseDockerfile(text: string): ParsedDockerfile {
  const directives = new Map<string, string>();
  const globalArgs = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  const lines = text.split('\n');
  let inDirectives = true;
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    const first = lines[i];
    if (/^\s*#/.test(first)) {
      const directive = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(first);
      if (inDirectives && directive) directives.set(directive[1].toLowerCase(), directive[2]);
      else inDirectives = false;
      continue;
    }
    inDirectives = false;
    if (first.trim() === '') continue;
    let logical = first;
    while (/\\\s*$/.test(logical) && i + 1 < lines.length) {
      logical = logical.replace(/\\\s*$/, '');
      i++;
      if (/^\s*#/.test(lines[i])) {
        logical += '\\';
        continue;
      }
      logical += lines[i];
    }
    const [, keyword, args] = /^\s*(\S+)\s*(.*)$/.exec(logical) ?? ['', '', ''];
    const instruction = { keyword: keyword.toUpperCase(), args: args.trim(), line: start + 1 };
    if (instruction.keyword === 'FROM') {
      const [from, as, name] = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      stages.push({
        name: as?.toUpperCase() === 'AS' ? name : String(stages.length),
        from,
        line: instruction.line,
        instructions: [],
      });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [name, value] = splitOnce(instruction.args, '=');
      globalArgs.set(name, value);
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { directives, globalArgs, stages };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

/** The exec form `["a", "b"]` of CMD, HEALTHCHECK CMD …; undefined for the shell form. */
function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const value: unknown = JSON.parse(args);
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** `--flag=value` options, then the rest. */
function options(args: string): { flags: Map<string, string>; rest: string } {
  const flags = new Map<string, string>();
  let rest = args;
  for (let m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); m; m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags.set(m[1], m[2] ?? '');
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

interface Copy {
  from?: string;
  sources: string[];
  destination: string;
  line: number;
}

function copies(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    .map((i) => {
      const { flags, rest } = options(i.args);
      const paths = execForm(rest) ?? rest.split(/\s+/);
      return {
        from: flags.get('from'),
        sources: paths.slice(0, -1),
        destination: paths[paths.length - 1],
        line: i.line,
      };
    });
}

/** `ENV a=1 b=2` (and the old `ENV a 1`), as a map. */
function envOf(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const i of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    if (!i.args.split(/\s+/)[0].includes('=')) {
      const [name, value] = splitOnce(i.args, ' ');
      env.set(name, (value ?? '').trim());
      continue;
    }
    for (const pair of i.args.split(/\s+/).filter(Boolean)) {
      const [name, value] = splitOnce(pair, '=');
      env.set(name, (value ?? '').replace(/^"(.*)"$/, '$1'));
    }
  }
  return env;
}

const runs = (stage: Stage): string[] =>
  stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const last = (stage: Stage, keyword: string): Instruction | undefined =>
  stage.instructions.filter((i) => i.keyword === keyword).pop();
/** Replaces ${NAME} and $NAME by their values. */
const expand = (text: string, values: Record<string, string>): string =>
  text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a?: string, b?: string) => values[a ?? b ?? ''] ?? whole);
const clean = (path: string): string => posix.normalize(path.replace(/^\.\//, '')).replace(/\/$/, '');

// ---------------------------------------------------------------------------------------------------------
// .dockerignore: Go filepath.Match patterns with **, anchored at the context root; later lines win.

function patternLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function patternRegExp(pattern: string): RegExp {
  const body = clean(pattern.replace(/^\//, ''))
    .split(/(\*\*\/|\*\*|\*|\?)/)
    .map((part) => {
      if (part === '**/') return '(?:.*/)?';
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      if (part === '?') return '[^/]';
      return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${body}$`);
}

/** Whether `path` (or a folder above it) is left out of the build context. */
function ignored(patterns: string[], path: string): boolean {
  const parts = clean(path).split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let result = false;
  for (const line of patterns) {
    const negated = line.startsWith('!');
    const re = patternRegExp(negated ? line.slice(1) : line);
    if (prefixes.some((prefix) => re.test(prefix))) result = !negated;
  }
  return result;
}

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

// ---------------------------------------------------------------------------------------------------------
// The Dockerfile's checks.

function checkDockerfile(text: string, repo: Repo): string[] {
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
    const expected = ['dist/apps/${APP}', 'node_modules', 'package.json'];
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
    const fallback = /process\.env\.(RINGCACHE_\w+)\|\|(\d+)/.exec(probe?.join(' ') ?? '');
    if (!probe || probe[0] !== 'node' || !/fetch\('http:\/\/127\.0\.0\.1:'/.test(probe.join(' ')))
      problems.push(`stage ${s.name}: HEALTHCHECK CMD ["node", "-e", "fetch(…/healthz)…"]`);
    else if (!probe.join(' ').includes("/healthz'"))
      problems.push(`stage ${s.name}: the health check must ask /healthz`);
    else if (!fallback || repo.variables.get(fallback[1]) !== spec.healthPortSetting)
      problems.push(
        `stage ${s.name}: the health check must read the port from ${spec.healthPortSetting}'s variable`,
      );
    else if (Number(fallback[2]) !== spec.healthPort(repo.defaults))
      problems.push(
        `stage ${s.name}: the health check's default port ${fallback[2]} is not the setting's default`,
      );

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

function globalDefaults(df: ParsedDockerfile): Record<string, string> {
  return Object.fromEntries([...df.globalArgs].filter((e): e is [string, string] => e[1] !== undefined));
}

// ---------------------------------------------------------------------------------------------------------
// compose.yaml, as far as these checks read it.

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, unknown> };
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  ports?: (string | number | { target?: number; published?: string | number; host_ip?: string })[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

interface Port {
  hostIp?: string;
  published?: number;
  target: number;
}

function portsOf(service: ComposeService): Port[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object')
      return { hostIp: port.host_ip, published: Number(port.published), target: Number(port.target) };
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const target = Number(parts.pop());
    const published = parts.length ? Number(parts.pop()) : undefined;
    return { hostIp: parts.pop(), published, target };
  });
}

/** The environment as strings; anything else is a problem (Compose would stringify it, or refuse it). */
function environmentOf(service: ComposeService, problems: string[], name: string): Record<string, string> {
  const raw = service.environment ?? {};
  const entries = Array.isArray(raw)
    ? raw.map((line) => splitOnce(line, '=') as [string, unknown])
    : Object.entries(raw);
  const env: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value === 'string') env[key] = value;
    else problems.push(`${name}: ${key} must be a quoted string, got ${JSON.stringify(value)}`);
  }
  return env;
}

const dependsOn = (service: ComposeService): Record<string, { condition?: string }> =>
  Array.isArray(service.depends_on)
    ? Object.fromEntries(service.depends_on.map((d) => [d, {}]))
    : (service.depends_on ?? {});

function healthTest(service: ComposeService): string {
  const test = service.healthcheck?.test ?? '';
  return Array.isArray(test) ? test.join(' ') : test;
}

/** `--flag=value` arguments of a command. */
function flagsOf(command: ComposeService['command']): Map<string, string> {
  const words = Array.isArray(command) ? command : (command ?? '').split(/\s+/);
  return new Map(
    words.filter((w) => w.startsWith('--')).map((w) => splitOnce(w.slice(2), '=') as [string, string]),
  );
}

/** Every string in a parsed YAML value. */
const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : typeof value === 'object' && value !== null
      ? Object.values(value).flatMap(strings)
      : [];

const urlOf = (text: string | undefined): URL | undefined => {
  try {
    return text ? new URL(text) : undefined;
  } catch {
    return undefined;
  }
};

// ---------------------------------------------------------------------------------------------------------
// The compose file's checks.

interface ComposeModel {
  problems: string[];
  /** App services by name, with their role and the environment their container gets. */
  apps: Map<string, { app: App; env: Record<string, string> }>;
}

function checkCompose(text: string, repo: Repo, dockerfileText: string): ComposeModel {
  const problems: string[] = [];
  const apps = new Map<string, { app: App; env: Record<string, string> }>();
  const compose = parseYaml(text, { merge: true }) as ComposeFile;
  for (const value of strings(compose))
    if (value.includes('$')) problems.push(`no interpolation, values are written out: ${value}`);
  const services = compose.services ?? {};
  const names = Object.keys(services);
  const composeDir = join(ROOT, 'docker');
  const runtime = parseDockerfile(dockerfileText).stages.find((s) => s.name === 'runtime');
  const imageEnv = Object.fromEntries(runtime ? envOf(runtime) : []);

  const etcd = names.filter((n) => services[n].image?.includes('/etcd:'));
  const mysql = names.filter((n) => /^(mysql|mariadb):/.test(services[n].image ?? ''));
  if (etcd.length !== 3) problems.push(`expected 3 etcd members, found ${etcd}`);
  if (mysql.length !== 1) problems.push(`expected one MySQL, found ${mysql}`);

  const imageOfApp = new Map<string, string>();
  const publishedBy = new Map<string, string>();
  for (const name of names) {
    const service = services[name];
    // An image, or a build of this Dockerfile for one app.
    if (service.build !== undefined) {
      const build = typeof service.build === 'string' ? { context: service.build } : service.build;
      const context = resolve(composeDir, build.context ?? '.');
      const app = build.args?.['APP'];
      if (context !== ROOT)
        problems.push(`${name}: build context ${build.context} is not the repository root`);
      if (resolve(context, build.dockerfile ?? 'Dockerfile') !== join(ROOT, DOCKERFILE))
        problems.push(`${name}: builds ${build.dockerfile}, not ${DOCKERFILE}`);
      if (!isApp(app)) problems.push(`${name}: build arg APP=${String(app)} is not an app`);
      else {
        apps.set(name, { app, env: {} });
        const image = service.image ?? `(unnamed ${name})`;
        if ((imageOfApp.get(app) ?? image) !== image)
          problems.push(`${name}: ${app} images differ (${image})`);
        imageOfApp.set(app, image);
      }
    } else if (!service.image) problems.push(`${name}: neither image nor build`);
    else if (!/^[\w./-]+:[\w.-]+$/.test(service.image) || service.image.endsWith(':latest'))
      problems.push(`${name}: image ${service.image} has no pinned tag`);

    const test = service.healthcheck?.test;
    if (isOneShot(name, services)) {
      // Runs to its end: others wait for its success, not its health.
    } else if (
      !test ||
      service.healthcheck?.disable ||
      !/^(CMD|CMD-SHELL)$/.test(Array.isArray(test) ? test[0] : 'CMD-SHELL')
    )
      problems.push(`${name}: no health check`);

    for (const [dependency, { condition }] of Object.entries(dependsOn(service))) {
      if (!services[dependency]) problems.push(`${name}: depends on ${dependency}, which is not a service`);
      else if (isOneShot(dependency, services)) {
        if (condition !== 'service_completed_successfully')
          problems.push(`${name}: depends on ${dependency} without condition service_completed_successfully`);
      } else if (condition !== 'service_healthy')
        problems.push(`${name}: depends on ${dependency} without condition service_healthy`);
    }

    for (const port of portsOf(service)) {
      if (!Number.isInteger(port.target)) problems.push(`${name}: bad port ${JSON.stringify(port)}`);
      if (port.published === undefined) continue;
      const key = `${port.hostIp ?? '0.0.0.0'}:${port.published}`;
      if (publishedBy.has(key))
        problems.push(`${name}: host port ${key} is taken by ${publishedBy.get(key)}`);
      publishedBy.set(key, name);
    }

    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : (volume.source ?? '');
      if (source.startsWith('.') && !existsSync(resolve(composeDir, source)))
        problems.push(`${name}: mounts ${source}, which does not exist`);
      else if (
        source &&
        !source.startsWith('.') &&
        !source.startsWith('/') &&
        !(source in (compose.volumes ?? {}))
      )
        problems.push(`${name}: volume ${source} is not declared`);
    }
  }
  for (const app of APP_NAMES)
    if (![...apps.values()].some((a) => a.app === app)) problems.push(`no service runs ${app}`);

  // etcd: every member names itself and its service, and lists the same cluster: all the members.
  const peerUrl = (member: string) => flagsOf(services[member].command).get('initial-advertise-peer-urls');
  const expectedCluster = etcd.map((member) => `${member}=${peerUrl(member)}`).join(',');
  const clientUrls: string[] = [];
  for (const member of etcd) {
    const service = services[member];
    const flags = flagsOf(service.command);
    const client = urlOf(flags.get('advertise-client-urls'));
    const listen = urlOf(flags.get('listen-client-urls'));
    const peer = urlOf(peerUrl(member));
    const listenPeer = urlOf(flags.get('listen-peer-urls'));
    if (flags.get('name') !== member)
      problems.push(`${member}: --name=${flags.get('name')}, not its service name`);
    if (client?.hostname !== member || client.port !== listen?.port)
      problems.push(`${member}: --advertise-client-urls must be http://${member}:<its client port>`);
    if (peer?.hostname !== member || peer.port !== listenPeer?.port)
      problems.push(`${member}: --initial-advertise-peer-urls must be http://${member}:<its peer port>`);
    if (flags.get('initial-cluster') !== expectedCluster)
      problems.push(
        `${member}: --initial-cluster=${flags.get('initial-cluster')}, expected ${expectedCluster}`,
      );
    if (flags.get('initial-cluster-state') !== 'new') problems.push(`${member}: --initial-cluster-state=new`);
    // Every write with a TTL is a delay-queue revision: without compaction etcd keeps them all.
    if (
      flags.get('auto-compaction-mode') !== 'periodic' ||
      ['', '0', undefined].includes(flags.get('auto-compaction-retention'))
    )
      problems.push(`${member}: needs --auto-compaction-mode=periodic and a --auto-compaction-retention`);
    const token = flags.get('initial-cluster-token');
    if (!token || etcd.some((m) => flagsOf(services[m].command).get('initial-cluster-token') !== token))
      problems.push(`${member}: every member needs the same --initial-cluster-token`);
    const dataDir = flags.get('data-dir');
    if (!dataDir || !(service.volumes ?? []).some((v) => typeof v === 'string' && v.endsWith(`:${dataDir}`)))
      problems.push(`${member}: --data-dir=${dataDir} is not on a volume`);
    if (!portsOf(service).every((p) => String(p.target) === listen?.port))
      problems.push(`${member}: publishes a port other than its client port ${listen?.port}`);
    if (!healthTest(service).includes(`--endpoints=http://127.0.0.1:${listen?.port}`))
      problems.push(`${member}: the health check does not ask the member's own client port`);
    if (client) clientUrls.push(`http://${client.host}`);
  }

  // MySQL: the database, the user and the demo table the nodes read.
  const db = mysql.length ? environmentOf(services[mysql[0]], problems, mysql[0]) : {};
  const dbPort = mysql.length ? (portsOf(services[mysql[0]])[0]?.target ?? 3306) : 3306;
  const init = mysql.length
    ? (services[mysql[0]].volumes ?? [])
        .map((v) => (typeof v === 'string' ? v.split(':') : [v.source ?? '', v.target ?? '']))
        .find(([, target]) => target === '/docker-entrypoint-initdb.d')
    : undefined;
  if (mysql.length) {
    const database = db['MYSQL_DATABASE'] ?? db['MARIADB_DATABASE'];
    if (!init) problems.push(`${mysql[0]}: no init script folder mounted on /docker-entrypoint-initdb.d`);
    else {
      const dir = resolve(composeDir, init[0]);
      const sql = existsSync(dir)
        ? readdirSync(dir)
            .filter((f) => f.endsWith('.sql'))
            .map((f) => readFileSync(join(dir, f), 'utf8'))
            .join('\n')
        : '';
      if (!new RegExp(`^USE ${database};`, 'm').test(sql)) problems.push(`init script: USE ${database};`);
      if (!new RegExp(`CREATE TABLE IF NOT EXISTS ${DEMO_TABLE} \\(`).test(sql))
        problems.push(`init script: CREATE TABLE IF NOT EXISTS ${DEMO_TABLE}`);
      for (const { name, score } of DEMO_STUDENTS)
        if (!sql.includes(`('${name}', ${score})`)) problems.push(`init script: no row ${name} ${score}`);
    }
    const health = healthTest(services[mysql[0]]);
    for (const part of [
      `--user=${db['MYSQL_USER']}`,
      `--password=${db['MYSQL_PASSWORD']}`,
      `--database=${database}`,
    ])
      if (!health.includes(part)) problems.push(`${mysql[0]}: the health check should connect with ${part}`);
    if (!health.includes(`FROM ${DEMO_TABLE}`))
      problems.push(`${mysql[0]}: the health check should read ${DEMO_TABLE}`);
  }

  // The apps: every variable a setting, every environment accepted by the config loader, and the values
  // consistent with the services around them.
  const nodeNames = new Map<string, string>();
  const clusters = new Set<string>();
  for (const [name, entry] of apps) {
    const service = services[name];
    const env = environmentOf(service, problems, name);
    entry.env = { ...imageEnv, ...env };
    for (const variable of Object.keys(env))
      if (!repo.variables.has(variable)) problems.push(`${name}: ${variable} is not a ringcache setting`);
    let config: RingcacheConfig;
    try {
      // The loader reads the TLS files: the containers' /certs volume is the script's output here.
      config = loadConfig({ env: withLocalCerts(entry.env, repo.certs), cwd: repo.cwd });
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message.replace(/\n/g, '; ')}`);
      continue;
    }
    const spec = APPS[entry.app];
    clusters.add(config.cluster);
    if (spec.host(config) !== '0.0.0.0')
      problems.push(`${name}: listens on ${spec.host(config)}, not 0.0.0.0`);
    const targets = portsOf(service).map((p) => p.target);
    for (const port of spec.ports(config))
      if (!targets.includes(port)) problems.push(`${name}: port ${port} is not in ports (${targets})`);
    for (const port of targets)
      if (!spec.ports(config).includes(port))
        problems.push(`${name}: publishes ${port}, which it does not serve`);
    // fetch() over http, or https.get() with the client certificate of a node's mutual TLS.
    const probe =
      /fetch\('http:\/\/127\.0\.0\.1:(\d+)\/(healthz|readyz)'\)/.exec(healthTest(service)) ??
      /host:'127\.0\.0\.1',port:(\d+),path:'\/(healthz|readyz)'/.exec(healthTest(service));
    if (!probe) problems.push(`${name}: the health check must ask 127.0.0.1:<port>/healthz or /readyz`);
    else if (Number(probe[1]) !== spec.healthPort(config))
      problems.push(
        `${name}: the health check asks port ${probe[1]}, the app serves ${spec.healthPort(config)}`,
      );

    const endpoints = [...config.etcd.endpoints].sort();
    if (endpoints.join() !== [...clientUrls].sort().join())
      problems.push(`${name}: etcd endpoints ${endpoints} are not the members ${clientUrls}`);
    const deps = dependsOn(service);
    for (const member of etcd) if (!deps[member]) problems.push(`${name}: does not wait for ${member}`);

    if (entry.app === 'cache-node') {
      const other = nodeNames.get(config.node.name);
      if (other) problems.push(`${name}: node name ${config.node.name} is also ${other}'s`);
      nodeNames.set(config.node.name, name);
      if (config.node.advertiseHost !== name)
        problems.push(`${name}: advertises ${config.node.advertiseHost}, not its service name`);
      if (!config.mysql.url) problems.push(`${name}: no RINGCACHE_MYSQL_URL`);
      else {
        const target = parseMysqlUrl(config.mysql.url);
        if (!mysql.includes(target.host) || target.port !== dbPort)
          problems.push(`${name}: MySQL at ${target.host}:${target.port}, not the ${mysql[0]} service`);
        if (target.username !== db['MYSQL_USER'] || target.password !== db['MYSQL_PASSWORD'])
          problems.push(
            `${name}: MySQL user or password differ from ${mysql[0]}'s MYSQL_USER/MYSQL_PASSWORD`,
          );
        if (target.database !== db['MYSQL_DATABASE'])
          problems.push(`${name}: database ${target.database} is not MYSQL_DATABASE`);
      }
      for (const m of mysql) if (!deps[m]) problems.push(`${name}: does not wait for ${m}`);
    }
    if (entry.app === 'gateway') {
      if (!portsOf(service).some((p) => p.published === config.gateway.port && p.hostIp === undefined))
        problems.push(`${name}: port ${config.gateway.port} must be published on every interface`);
      for (const [node, other] of apps)
        if (other.app === 'cache-node' && !deps[node]) problems.push(`${name}: does not wait for ${node}`);
    }
  }
  if (clusters.size > 1) problems.push(`the apps name different clusters: ${[...clusters]}`);
  problems.push(...composeTlsProblems(services, [...apps.keys()]));
  return { problems, apps };
}

// ---------------------------------------------------------------------------------------------------------

describe('docker files', () => {
  let dir: TempDir;
  let repo: Repo;
  const dockerfile = read(DOCKERFILE);
  const compose = read(COMPOSE);

  beforeAll(() => {
    dir = tempDir('ringcache-docker-');
    repo = loadRepo(dir.path);
    makeCerts(repo.certs);
  });

  afterAll(() => dir?.remove());

  describe('the repository, as the checks read it', () => {
    it('lists the settings from the config README, and the three apps from their project.json', () => {
      expect(repo.variables.get('RINGCACHE_NODE_NAME')).toBe('node.name');
      expect(repo.variables.get('RINGCACHE_GATEWAY_HOST')).toBe('gateway.host');
      expect(repo.variables.size).toBeGreaterThanOrEqual(30);
      expect([...repo.builds.keys()].sort()).toEqual(['cache-node', 'gateway', 'ttl-worker']);
      expect(repo.compiled).toEqual(
        expect.arrayContaining([
          'apps/gateway/src/main.ts',
          'libs/config/src/index.ts',
          'tsconfig.base.json',
        ]),
      );
      expect(repo.builds.get('gateway')).toMatchObject({
        script: 'tools/build/compile-node.mjs',
        outDir: 'dist/apps/gateway',
      });
    });

    it('matches .dockerignore patterns as Docker does', () => {
      const patterns = [
        'node_modules',
        '**/node_modules',
        'dist',
        '*.log',
        '**/*.log',
        'bench/results',
        '!keep.log',
      ];
      expect(ignored(patterns, 'node_modules/yaml/package.json')).toBe(true);
      expect(ignored(patterns, 'libs/lru/node_modules')).toBe(true);
      expect(ignored(patterns, 'dist')).toBe(true);
      expect(ignored(patterns, 'libs/dist-helpers/index.ts')).toBe(false);
      expect(ignored(patterns, 'npm-debug.log')).toBe(true);
      expect(ignored(patterns, 'apps/gateway/x.log')).toBe(true);
      expect(ignored(patterns, 'keep.log')).toBe(false);
      expect(ignored(patterns, 'bench/results/a.json')).toBe(true);
      expect(ignored(patterns, 'bench/other.json')).toBe(false);
    });
  });

  describe('.dockerignore', () => {
    it.each([
      'node_modules',
      'dist',
      '.git',
      '.nx',
      'coverage',
      'tmp',
      'data',
      'bench/results',
      'npm-debug.log',
    ])('leaves out %s', (path) => {
      expect(ignored(repo.dockerignore, path)).toBe(true);
    });

    it.each(['libs/lru/node_modules/x.js', 'apps/gateway/jest-results.json'])(
      'leaves out nested %s',
      (path) => {
        expect(ignored(repo.dockerignore, path)).toBe(true);
      },
    );
  });

  describe('docker/Dockerfile', () => {
    it('has the stages deps, build, prod-deps, runtime and one per app; APP picks the app', () => {
      const df = parseDockerfile(dockerfile);
      expect(df.stages.map((s) => s.name)).toEqual([
        'base',
        'deps',
        'build',
        'prod-deps',
        'runtime',
        'app-cache-node',
        'app-gateway',
        'app-ttl-worker',
        String(df.stages.length - 1),
      ]);
      expect(df.stages[df.stages.length - 1].from).toBe('app-${APP}');
      expect(df.globalArgs.get('APP')).toBe('gateway');
    });

    it('passes every check', () => {
      expect(checkDockerfile(dockerfile, repo)).toEqual([]);
    });

    it('runs each app as its build output, as the node user, with a fetch health check', () => {
      const df = parseDockerfile(dockerfile);
      for (const app of APP_NAMES) {
        const s = df.stages.find((st) => st.name === `app-${app}`) as Stage;
        expect(execForm(last(s, 'CMD')?.args ?? '')).toEqual(['node', `dist/apps/${app}/main.js`]);
        expect(last(s, 'HEALTHCHECK')?.args).toContain('/healthz');
      }
      const runtime = df.stages.find((s) => s.name === 'runtime') as Stage;
      expect(last(runtime, 'USER')?.args).toBe('node');
    });
  });

  describe('docker/compose.yaml', () => {
    it('passes every check', () => {
      expect(checkCompose(compose, repo, dockerfile).problems).toEqual([]);
    });

    it('runs 3 etcd members, MySQL, 3 cache nodes, the gateway and a ttl-worker', () => {
      const { apps } = checkCompose(compose, repo, dockerfile);
      const roles = [...apps].map(([name, { app }]) => `${name}:${app}`);
      expect(roles).toEqual([
        'node1:cache-node',
        'node2:cache-node',
        'node3:cache-node',
        'gateway:gateway',
        'ttl-worker:ttl-worker',
      ]);
      const services = Object.keys((parseYaml(compose, { merge: true }) as ComposeFile).services);
      expect(services).toEqual([
        'certs',
        'etcd1',
        'etcd2',
        'etcd3',
        'mysql',
        'node1',
        'node2',
        'node3',
        'gateway',
        'ttl-worker',
      ]);
    });

    it("gives each app an environment the config loader accepts, with the image's ENV under it", () => {
      const { apps } = checkCompose(compose, repo, dockerfile);
      for (const [name, { app, env }] of apps) {
        const config = loadConfig({ env: withLocalCerts(env, repo.certs), cwd: dir.path });
        expect({ name, cluster: config.cluster, endpoints: config.etcd.endpoints.length }).toEqual({
          name,
          cluster: 'ringcache',
          endpoints: 3,
        });
        // Mutual TLS between every ringcache process, never switched off.
        expect(config.tls).toEqual({
          caFile: `${repo.certs}/ca.pem`,
          certFile: `${repo.certs}/${name}.pem`,
          keyFile: `${repo.certs}/${name}.key`,
        });
        expect(config.security.insecure).toBe(false);
        if (app === 'cache-node')
          expect(config.node).toMatchObject({ name, advertiseHost: name, host: '0.0.0.0' });
        if (app === 'gateway') {
          expect(config.gateway).toMatchObject({ host: '0.0.0.0', port: 9999 });
          // Protected mode: on 0.0.0.0 the gateway needs API keys, and the compose file must not switch it off.
          expect(config.gateway.apiKeys.length).toBeGreaterThan(0);
          expect(config.security.insecure).toBe(false);
        }
      }
    });
  });

  describe('docker/README.md', () => {
    it('says how to build, run, try and scale it, and that the files are checked statically', () => {
      const readme = read('docker/README.md');
      expect(readme).toContain(
        'docker build -f docker/Dockerfile --build-arg APP=gateway -t ringcache-gateway .',
      );
      expect(readme).toContain('docker compose -f docker/compose.yaml up');
      expect(readme).toContain('curl http://127.0.0.1:9999/api/v1/groups/scores/keys/Tom');
      expect(readme).toMatch(/scal/i);
      expect(readme).toMatch(/no docker engine/i);
    });
  });

  describe('the checks catch mistakes', () => {
    const breakCompose = (from: string, to: string) => {
      expect(compose).toContain(from);
      return checkCompose(compose.replace(from, to), repo, dockerfile).problems;
    };
    const breakDockerfile = (from: string | RegExp, to: string) => {
      expect(dockerfile).toMatch(from);
      return checkDockerfile(dockerfile.replace(from, to), repo);
    };

    it('in compose.yaml', () => {
      expect(breakCompose('RINGCACHE_NODE_NAME: node2', 'RINGCACHE_NODE_NAM: node2')).toContain(
        'node2: RINGCACHE_NODE_NAM is not a ringcache setting',
      );
      expect(breakCompose('RINGCACHE_NODE_NAME: node2', 'RINGCACHE_NODE_NAME: node1')).toEqual([
        "node2: node name node1 is also node1's",
      ]);
      expect(breakCompose("RINGCACHE_NODE_HTTP_PORT: '8103'", "RINGCACHE_NODE_HTTP_PORT: '8104'")).toEqual(
        expect.arrayContaining([
          'node3: port 8104 is not in ports (8003,8103)',
          'node3: the health check asks port 8103, the app serves 8104',
        ]),
      );
      expect(breakCompose("RINGCACHE_GATEWAY_PORT: '9999'", "RINGCACHE_GATEWAY_PORT: 'ninety'")).toEqual([
        expect.stringMatching(
          /^gateway: invalid ringcache configuration:; gateway\.port: must be an integer/,
        ),
      ]);
      expect(breakCompose("RINGCACHE_GATEWAY_PORT: '9999'", 'RINGCACHE_GATEWAY_PORT: 9999')).toContain(
        'gateway: RINGCACHE_GATEWAY_PORT must be a quoted string, got 9999',
      );
      expect(
        breakCompose('RINGCACHE_NODE_ADVERTISE_HOST: node1', 'RINGCACHE_NODE_ADVERTISE_HOST: localhost'),
      ).toContain('node1: advertises localhost, not its service name');
      expect(breakCompose('      node3:\n        condition', '      node4:\n        condition')).toContain(
        'gateway: depends on node4, which is not a service',
      );
      expect(breakCompose('etcd2=http://etcd2:2380,etcd3', 'etcd2=http://etcd2:2381,etcd3')).toContain(
        'etcd1: --initial-cluster=etcd1=http://etcd1:2380,etcd2=http://etcd2:2381,etcd3=http://etcd3:2380, expected etcd1=http://etcd1:2380,etcd2=http://etcd2:2380,etcd3=http://etcd3:2380',
      );
      expect(
        breakCompose('http://etcd1:2379,http://etcd2:2379,http://etcd3:2379', 'http://etcd1:2379'),
      ).toContain(
        'gateway: etcd endpoints http://etcd1:2379 are not the members http://etcd1:2379,http://etcd2:2379,http://etcd3:2379',
      );
      expect(breakCompose('--auto-compaction-retention=5m', '--auto-compaction-retention=0')).toContain(
        'etcd1: needs --auto-compaction-mode=periodic and a --auto-compaction-retention',
      );
      expect(breakCompose('@mysql:3306/ringcache', '@db:3306/ringcache')).toContain(
        'node1: MySQL at db:3306, not the mysql service',
      );
      expect(breakCompose('RINGCACHE_LOG_LEVEL: info', 'RINGCACHE_LOG_LEVEL: ${LOG_LEVEL}')).toContain(
        'no interpolation, values are written out: ${LOG_LEVEL}',
      );
      expect(breakCompose('RINGCACHE_GATEWAY_HOST: 0.0.0.0', 'RINGCACHE_GATEWAY_HOST: 127.0.0.1')).toContain(
        'gateway: listens on 127.0.0.1, not 0.0.0.0',
      );
    });

    it('in the Dockerfile', () => {
      expect(breakDockerfile('COPY --from=build /app/dist', 'COPY --from=builder /app/dist')).toEqual(
        expect.arrayContaining([expect.stringMatching(/: COPY --from=builder names no earlier stage$/)]),
      );
      expect(breakDockerfile('USER node', 'USER root')).toEqual(
        APP_NAMES.map((app) => `stage app-${app}: runs as root, not a user`),
      );
      expect(breakDockerfile('"dist/apps/gateway/main.js"', '"dist/gateway/main.js"')).toContain(
        'stage app-gateway: CMD ["node","dist/gateway/main.js"], expected ["node", "dist/apps/gateway/main.js"]',
      );
      expect(breakDockerfile('EXPOSE 9999', 'EXPOSE 9000')).toContain(
        'stage app-gateway: EXPOSE 9000, the defaults are 9999',
      );
      expect(breakDockerfile('COPY tools/build ./tools/build', 'COPY tools/builds ./tools/build')).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/COPY tools\/builds: no such path$/),
          'stage build: tools/build/compile-node.mjs is not copied',
        ]),
      );
      expect(breakDockerfile('COPY libs ./libs', 'COPY libs/config ./libs/config')).toEqual(
        expect.arrayContaining(['stage build: libs/app-shell/src/index.ts is not copied']),
      );
      expect(breakDockerfile('FROM node:20-bookworm-slim AS base', 'FROM node:latest AS base')).toContain(
        'stage base: FROM node:latest must name a stage or a tagged image',
      );
      expect(breakDockerfile(/RUN npm ci --omit=dev[^\n]*/, 'RUN npm ci --ignore-scripts')).toContain(
        'stage prod-deps: RUN npm ci --omit=dev',
      );
      expect(breakDockerfile('RINGCACHE_GATEWAY_PORT||9999', 'RINGCACHE_GATEWAY_PRT||9999')).toContain(
        "stage app-gateway: the health check must read the port from gateway.port's variable",
      );
    });

    it('in .dockerignore', () => {
      const withLibs = { ...repo, dockerignore: [...repo.dockerignore, 'libs'] };
      expect(checkDockerfile(dockerfile, withLibs)).toEqual(
        expect.arrayContaining([expect.stringMatching(/COPY libs is excluded by .dockerignore$/)]),
      );
      const withProto = { ...repo, dockerignore: [...repo.dockerignore, '**/*.proto'] };
      expect(checkDockerfile(dockerfile, withProto)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^.dockerignore leaves out libs\/.*\.proto, which the build reads$/),
        ]),
      );
    });
  });
});
