import { cpSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { runToExit, tempDir, toolEnv, workspaceRoot, type TempDir } from '@ringcache/testing';

/** Where `nx run client:package` writes the package. */
const PACKAGE_DIR = 'dist/libs/client';

/** The consumer scripts copied into every project (this folder's `consumers/`). */
const CONSUMERS = join(__dirname, 'consumers');

/** Runs a command to its end in `cwd`; resolves with its output, rejects with it on a non-zero exit. */
async function exec(
  command: string,
  args: string[],
  cwd: string,
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const name = [command, ...args].join(' ').slice(0, 80);
  const result = await runToExit(
    { name, command, args, cwd, env: toolEnv(options.env) },
    options.timeoutMs ?? 120_000,
  );
  if (result.code !== 0) throw new Error(`${name} exited with ${result.code}:\n${result.output}`);
  return result.output;
}

/** Runs the commands of the client's `package` target (as `nx run client:package` would), in order. */
export async function buildClientPackage(): Promise<string> {
  const root = workspaceRoot();
  const project = JSON.parse(readFileSync(join(root, 'libs/client/project.json'), 'utf8')) as {
    targets: { package: { options: { commands: string[] } } };
  };
  for (const command of project.targets.package.options.commands) {
    await exec('sh', ['-c', command], root, { timeoutMs: 180_000 });
  }
  return join(root, PACKAGE_DIR);
}

/** Bytes the files under `dir` take: `disk` in allocated blocks (as `du`), `apparent` as their sizes add up. */
export function installedSize(dir: string): { disk: number; apparent: number } {
  let disk = 0;
  let apparent = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: false })) {
    const stat = lstatSync(join(dir, String(entry)));
    disk += stat.blocks * 512;
    apparent += stat.size;
  }
  return { disk, apparent };
}

/** Megabytes (10^6 bytes), one decimal, for messages. */
export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * An empty npm project in a temp dir with the packed client installed from its tarball, as a user installs
 * it (dependencies from the registry, through the npm cache when it has them), and the consumer scripts.
 */
export class PackageProject {
  private constructor(
    private readonly temp: TempDir,
    /** What `npm install` printed: its warnings. */
    readonly installOutput: string,
  ) {}

  /** Packs `packageDir` and installs the tarball into a new project. */
  static async create(packageDir: string): Promise<PackageProject> {
    const temp = tempDir('ringcache-client-package-');
    try {
      const packed = await exec('npm', ['pack', '--silent', '--pack-destination', temp.path], packageDir);
      const tarball = join(temp.path, packed.trim().split('\n').pop() ?? '');
      const dir = join(temp.path, 'project');
      cpSync(CONSUMERS, dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
      const output = await npmInstall(dir, [tarball]);
      return new PackageProject(temp, output);
    } catch (error) {
      temp.remove();
      throw error;
    }
  }

  /** The project folder. */
  get dir(): string {
    return join(this.temp.path, 'project');
  }

  /** Installs more packages, e.g. the Nest peers. */
  install(packages: string[]): Promise<string> {
    return npmInstall(this.dir, packages);
  }

  /** The top-level names in node_modules (`@scope/name` for scoped packages). */
  packages(): string[] {
    const top = readdirSync(join(this.dir, 'node_modules')).filter((name) => !name.startsWith('.'));
    return top.flatMap((name) =>
      name.startsWith('@')
        ? readdirSync(join(this.dir, 'node_modules', name)).map((inner) => `${name}/${inner}`)
        : [name],
    );
  }

  /** Size of node_modules. */
  size(): { disk: number; apparent: number } {
    return installedSize(join(this.dir, 'node_modules'));
  }

  /** Runs a Node script of the project with `env`; resolves with what it printed. */
  node(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
    return exec(process.execPath, args, this.dir, { env, timeoutMs: 60_000 });
  }

  /** Compiles a TypeScript file of the project with the workspace's tsc and `flags`. */
  tsc(flags: string[]): Promise<string> {
    const tsc = join(workspaceRoot(), 'node_modules', '.bin', 'tsc');
    return exec(tsc, flags, this.dir, { timeoutMs: 120_000 });
  }

  remove(): void {
    this.temp.remove();
  }
}

/** `npm install` as a user runs it, quietly about audits and funding. */
function npmInstall(dir: string, packages: string[]): Promise<string> {
  return exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...packages], dir, {
    timeoutMs: 180_000,
  });
}
