import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

import ts from 'typescript';

import { loadConfig, type RingcacheConfig } from '@ringcache/config';
import { tempDir, type TempDir, workspaceRoot } from '@ringcache/testing';

import { makeCerts } from './compose-tls';
import { patternLines } from './dockerignore';

/**
 * What the deployment files (docker/Dockerfile, docker/compose.yaml, /.dockerignore) are held against: the
 * apps' build outputs, the settings of @ringcache/config (every RINGCACHE_* variable, and the config
 * loader itself) and the files compiling the apps reads. No Docker engine runs here; the files are checked
 * statically.
 */

/** The repository root. */
export const ROOT = workspaceRoot();
/** The Dockerfile, from the root. */
export const DOCKERFILE = 'docker/Dockerfile';
/** The compose file, from the root. */
export const COMPOSE = 'docker/compose.yaml';
/** A file of the repository, as text. */
export const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** The apps the image builds, each with the settings of its listen address and health check. */
export const APPS = {
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
/** One of the apps the image builds. */
export type App = keyof typeof APPS;
/** The apps the image builds, by name. */
export const APP_NAMES = Object.keys(APPS) as App[];
/** True for the name of an app the image builds. */
export const isApp = (name: unknown): name is App => typeof name === 'string' && name in APPS;

/** An app's build, from its project.json: `node <script> --project <dir> --out <dir>`. */
export interface AppBuild {
  script: string;
  projectDir: string;
  outDir: string;
  outputs: string[];
}

/** The repository as the checks read it. */
export interface Repo {
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

/**
 * Before the tests of the calling describe block, reads the repository with a new temp dir as the config
 * loader's cwd, makes the compose certificates in it and hands both to `use`; removes the dir after them.
 */
export function withRepo(use: (opened: { dir: TempDir; repo: Repo }) => void): void {
  let dir: TempDir | undefined;
  beforeAll(() => {
    dir = tempDir('ringcache-docker-');
    const repo = loadRepo(dir.path);
    makeCerts(repo.certs);
    use({ dir, repo });
  });
  afterAll(() => dir?.remove());
}
