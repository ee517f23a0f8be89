import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import {
  pidAlive,
  eventually,
  scrapeMetrics,
  sleep,
  startProcess,
  sumMetric,
  tempDir,
  toolEnv,
  workspaceRoot,
  type ManagedProcess,
  type TempDir,
} from '@ringcache/testing';

import { get, request } from '../support';

/** The fixed ports of `npm start`: gateway, nodes' gRPC and HTTP, ttl-workers, etcd client and peer. */
const PORTS = [9999, 8001, 8002, 8003, 8101, 8102, 8103, 8200, 8201, 2379, 2380];
const GATEWAY = 'http://127.0.0.1:9999';
const NODE_URLS = ['http://127.0.0.1:8101', 'http://127.0.0.1:8102', 'http://127.0.0.1:8103'];

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function takenPorts(): Promise<number[]> {
  const taken: number[] = [];
  for (const port of PORTS) if (!(await portFree(port))) taken.push(port);
  return taken;
}

/** Pids of the processes whose parent is `pid`, each with its RINGCACHE_NODE_NAME (if any). */
function childrenOf(pid: number): { pid: number; node?: string }[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const child = Number(line.trim());
      let node: string | undefined;
      try {
        const env = readFileSync(`/proc/${child}/environ`, 'utf8').split('\0');
        node = env.find((v) => v.startsWith('RINGCACHE_NODE_NAME='))?.split('=')[1];
      } catch {
        // gone already
      }
      return { pid: child, node };
    });
}

/**
 * `npm start` as a user runs it (node tools/scripts/start.mjs, with etcd on the PATH), on its fixed
 * ports: it runs two ttl-workers, so a key written with a 2 s TTL leaves every node's memory on time; a
 * cache node killed with SIGKILL is reported, the ring's change is printed, and the rest go on; Ctrl-C
 * (SIGINT) stops every child.
 */
describe('npm start', () => {
  let data: TempDir;
  let start: ManagedProcess;
  let children: { pid: number; node?: string }[] = [];

  beforeAll(async () => {
    // Another run of this suite (or of npm start) may still be letting go of the ports: wait a little.
    let taken = await takenPorts();
    for (let i = 0; i < 30 && taken.length; i++) {
      await sleep(1_000);
      taken = await takenPorts();
    }
    if (taken.length)
      throw new Error(
        `npm start needs ports ${PORTS.join(', ')}; ${taken.join(', ')} stayed in use for 30 s`,
      );
    data = tempDir('ringcache-npm-start-');
    start = startProcess({
      name: 'npm start',
      command: process.execPath,
      args: [join(workspaceRoot(), 'tools/scripts/start.mjs')],
      cwd: workspaceRoot(),
      env: toolEnv({
        RINGCACHE_SQLITE_PATH: join(data.path, 'ringcache.sqlite'),
        RINGCACHE_LOG_LEVEL: 'warn',
      }),
    });
    // Building the apps comes first (from Nx's cache when they are built already).
    await eventually(
      'npm start to be up',
      () => start.alive && start.printed(/ringcache is up/),
      180_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${start.output()}`);
    });
  }, 200_000);

  afterAll(async () => {
    if (start?.alive) await start.stop('SIGINT', 20_000);
    data?.remove();
  });

  it('prints the ttl-workers in its summary, beside the nodes and the gateway', () => {
    expect(start.output()).toContain('ttl-workers http://127.0.0.1:8200 and :8201');
    expect(start.output()).toContain('registered in etcd at http://127.0.0.1:2379');
    children = childrenOf(start.pid);
    expect(
      children
        .map((c) => c.node)
        .filter(Boolean)
        .sort(),
    ).toEqual(['node1', 'node2', 'node3']);
    // 3 nodes, the gateway, two ttl-workers and etcd.
    expect(children.length).toBe(7);
    const node2 = children.find((c) => c.node === 'node2')?.pid;
    expect(start.output()).toContain(`HTTP http://127.0.0.1:8102, pid ${node2}`);
    expect(start.output()).toContain(`try \`kill -9 ${node2}\` (node2)`);
  });

  it('goes on without a cache node killed with SIGKILL', async () => {
    const node2 = children.find((c) => c.node === 'node2');
    process.kill(node2?.pid ?? 0, 'SIGKILL');
    // The lease (5 s) runs out, and the gateway's ring closes over the dead node.
    await eventually(
      'the gateway to see 2 nodes',
      async () => {
        const view = JSON.parse((await get(`${GATEWAY}/api/v1/cluster`)).body) as {
          members: { name: string }[];
        };
        expect(view.members.map((m) => m.name).sort()).toEqual(['node1', 'node3']);
      },
      7_000,
    );
    expect(start.alive).toBe(true);
    expect(start.output()).toMatch(/\[node2\] +exited \(SIGKILL\); the others go on/);
    expect(start.output()).toContain('RINGCACHE_NODE_NAME=node2');
    // The runner watched the ring change and said how the keys moved.
    await eventually('the runner to print the ring change', () =>
      expect(start.output()).toMatch(
        /\[ring\] +ring version [0-9a-f]+: node2 left; keys now node1 \d+%, node3 \d+%/,
      ),
    );
    // The command it printed starts node2 again, and the ring takes it back.
    const command = /Start it again, in another terminal, with:\n +(.+)\n/.exec(start.output())?.[1];
    expect(command).toContain('dist/apps/cache-node/main.js');
    const again = startProcess({
      name: 'node2 again',
      command: 'sh',
      args: ['-c', `exec env ${command}`],
      cwd: workspaceRoot(),
    });
    try {
      await eventually(
        'the runner to print node2 joining',
        () =>
          expect(start.output()).toMatch(
            /\[ring\] +ring version [0-9a-f]+: node2 joined; keys now node1 \d+%, node2 \d+%, node3 \d+%/,
          ),
        20_000,
      );
    } finally {
      await again.stop('SIGTERM', 10_000);
    }
    await eventually('the runner to print node2 leaving again', () => {
      const output = start.output();
      expect(output.slice(output.lastIndexOf('node2 joined'))).toContain('node2 left');
    });
    expect(await get(`${GATEWAY}/api/v1/groups/scores/keys/Tom`)).toEqual({ status: 200, body: '630' });
  });

  it('drops keys written with ?ttl=2s from every node on time', async () => {
    const live = [NODE_URLS[0], NODE_URLS[2]];
    const held = async () => {
      let sum = 0;
      for (const url of live)
        sum += sumMetric(await scrapeMetrics(`${url}/metrics`), 'ringcache_cache_items', { group: 'scores' });
      return sum;
    };
    const before = await held();
    let lastWrite = 0;
    for (let i = 0; i < 10; i++) {
      const put = await request('PUT', `${GATEWAY}/api/v1/groups/scores/keys/short-${i}?ttl=2s`, `v${i}`, {
        'content-type': 'application/octet-stream',
      });
      expect(put.status).toBe(200);
      lastWrite = Date.now();
    }
    expect(await held()).toBeGreaterThanOrEqual(before + 10);
    // Nobody reads them again: only the ttl-workers can take them out, within 3 s of the last write.
    await eventually(
      'the entries to be dropped',
      async () => expect(await held()).toBeLessThanOrEqual(before),
      lastWrite + 3_000 - Date.now(),
    );
  });

  it('stops every child on SIGINT', async () => {
    const exit = await start.stop('SIGINT', 30_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(start.output()).toContain('stopped.');
    expect(children.filter((c) => pidAlive(c.pid))).toEqual([]);
    expect(await takenPorts()).toEqual([]);
  });
});
