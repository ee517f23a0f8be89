import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The go command: GO_BIN, else `go` on the PATH (Debian's golang-go). */
export const GO_BIN = process.env['GO_BIN'] ?? 'go';

/** Where Debian's Go library packages put their sources: the GOPATH the groupcache peer builds against. */
export const DEBIAN_GOPATH = '/usr/share/gocode';

/** Go libraries the peer imports, as their Debian packages lay them out under DEBIAN_GOPATH. */
const GO_LIBRARIES = ['github.com/golang/groupcache', 'github.com/mattn/go-sqlite3'];

/**
 * What `apt-get install` gets when anything is missing. gcc because go-sqlite3 is cgo and golang-go only
 * recommends a C compiler (images installed without recommends lack it).
 */
const PACKAGES = [
  'golang-go',
  'golang-github-golang-groupcache-dev',
  'golang-github-mattn-go-sqlite3-dev',
  'gcc',
];

/** apt-get may download and unpack a few hundred MB. */
const APT_TIMEOUT_MS = 10 * 60_000;

/** True when `command args` runs and exits 0. */
async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args, { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** What the build needs and this machine lacks, named for the report. */
async function missing(): Promise<string[]> {
  const lacking: string[] = [];
  if (!(await succeeds(GO_BIN, ['version']))) lacking.push(`go (${GO_BIN}; GO_BIN overrides)`);
  if (!(await succeeds('gcc', ['--version']))) lacking.push('gcc');
  for (const library of GO_LIBRARIES) {
    if (!existsSync(join(DEBIAN_GOPATH, 'src', library))) lacking.push(`${library} in ${DEBIAN_GOPATH}`);
  }
  return lacking;
}

/** `apt-get args` as root: directly when we are root, else through `sudo -n` (fails rather than prompt). */
async function aptGet(args: string[]): Promise<void> {
  // sudo drops most of the environment, so the variable goes through env(1) on both paths.
  const command = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
  const options = { timeout: APT_TIMEOUT_MS, maxBuffer: 16 * 2 ** 20 };
  if (process.getuid?.() === 0) {
    await run(command[0], command.slice(1), options);
    return;
  }
  try {
    await run('sudo', ['-n', ...command], options);
  } catch (error) {
    throw new Error(`not root, and sudo -n failed: ${whyFailed(error)}`);
  }
}

/** The line of a failed command's output that says why: its last stderr line, else its message. */
function whyFailed(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr?.trim();
  return stderr ? (stderr.split('\n').pop() as string) : (error as Error).message.split('\n')[0];
}

/**
 * Makes sure the groupcache peer can be built: when go, gcc or the Debian Go libraries are missing,
 * installs them with apt-get (as root, or through passwordless sudo), as `.ci/run` installs etcd.
 * Resolves with undefined when everything is there, else with the reason the baseline is skipped.
 */
export async function ensureGoToolchain(progress: (message: string) => void): Promise<string | undefined> {
  const lacking = await missing();
  if (lacking.length === 0) return undefined;
  const install = `apt-get install ${PACKAGES.join(' ')}`;
  progress(`golang/groupcache: ${lacking.join(', ')} missing: ${install}`);
  try {
    await aptGet(['update', '-qq']);
    await aptGet(['install', '-y', '-qq', ...PACKAGES]);
  } catch (error) {
    return `golang/groupcache skipped: ${lacking.join(', ')} missing, and ${install} failed: ${whyFailed(error)}`;
  }
  const still = await missing();
  return still.length ? `golang/groupcache skipped: ${still.join(', ')} missing after ${install}` : undefined;
}
