import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { freePort, startProcess, waitForHttp, type ManagedProcess } from '@ringcache/testing';

import { BENCH_GROUP, KEY_PATH_PREFIX } from '../data/keys';
import { BENCH_TABLE } from '../data/sqlite-dataset';
import { DEBIAN_GOPATH, GO_BIN } from '../env/go-toolchain';

const run = promisify(execFile);

/** The package's import path inside the run's GOPATH. */
const PACKAGE = 'groupcache-peer';

/** One running groupcache peer. */
export interface GroupcachePeer {
  /** Its front, e.g. http://127.0.0.1:41234: GET <KEY_PATH_PREFIX><key>, /readyz. */
  origin: string;
  process: ManagedProcess;
}

/**
 * Builds `main.go` (beside this file) into `<workDir>/groupcache-peer` in GOPATH mode against Debian's Go
 * libraries, and returns the binary's path. Needs ensureGoToolchain first; throws with go's output.
 */
export async function buildGroupcachePeer(workDir: string): Promise<string> {
  const gopath = join(workDir, 'gopath');
  const source = join(gopath, 'src', PACKAGE);
  mkdirSync(source, { recursive: true });
  copyFileSync(join(__dirname, 'main.go'), join(source, 'main.go'));
  const binary = join(workDir, PACKAGE);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: `${DEBIAN_GOPATH}:${gopath}`,
    // A GOFLAGS of the caller's (-mod=…) would not apply to GOPATH mode.
    GOFLAGS: '',
  };
  // go keeps its build cache under $HOME; without one it refuses to build.
  if (!process.env['GOCACHE'] && !process.env['HOME']) env['GOCACHE'] = join(workDir, 'go-cache');
  try {
    await run(GO_BIN, ['build', '-o', binary, '.'], { cwd: source, env, timeout: 5 * 60_000 });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`go build of the groupcache peer failed: ${stderr?.trim() || (error as Error).message}`);
  }
  return binary;
}

/**
 * Starts `count` peers of `binary`, each its own process with a free peer port and a free front port,
 * reading `sqlitePath`; resolves once every front answers /readyz. They inherit this process's CPU
 * affinity: the server cores. On a failure the peers already started are stopped.
 */
export async function startGroupcachePeers(
  binary: string,
  sqlitePath: string,
  count: number,
): Promise<GroupcachePeer[]> {
  const ports = await Promise.all(
    Array.from({ length: count }, async () => ({ peer: await freePort(), front: await freePort() })),
  );
  const peerUrls = ports.map(({ peer }) => `http://127.0.0.1:${peer}`).join(',');
  const peers = ports.map(({ peer, front }, i) => ({
    origin: `http://127.0.0.1:${front}`,
    process: startProcess({
      name: `groupcache-${i + 1}`,
      command: binary,
      args: Object.entries({
        'peer-port': String(peer),
        'front-port': String(front),
        peers: peerUrls,
        sqlite: sqlitePath,
        group: BENCH_GROUP,
        'key-path': KEY_PATH_PREFIX,
        table: BENCH_TABLE.table,
        'key-column': BENCH_TABLE.keyColumn,
        'value-column': BENCH_TABLE.valueColumn,
      }).flatMap(([flag, value]) => [`-${flag}`, value]),
      env: { PATH: process.env['PATH'] },
    }),
  }));
  try {
    for (const { origin, process: peer } of peers) {
      await waitForHttp(`${origin}/readyz`, 15_000, {
        alive: () => peer.alive,
        describe: () => `${peer.name} output:\n${peer.output()}`,
      });
    }
  } catch (error) {
    await Promise.all(peers.map(({ process: peer }) => peer.stop('SIGTERM', 2_000)));
    throw error;
  }
  return peers;
}
