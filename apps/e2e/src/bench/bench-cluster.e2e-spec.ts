import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { eventually, pidAlive, startProcess, workspaceRoot, type ManagedProcess } from '@ringcache/testing';

const MAIN = join(workspaceRoot(), 'dist', 'tools', 'bench', 'main.js');

/** The bench's `cluster` command, as a developer starts it to load and profile a row's cluster by hand. */
function benchCluster(args: string[]): ManagedProcess {
  return startProcess({
    name: 'bench-cluster',
    command: process.execPath,
    args: [MAIN, 'cluster', ...args],
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'] },
  });
}

interface Facts {
  gateway: string;
  firstKey: string;
  keys: number;
  transport: string;
  nearBytes: number;
  processes: { name: string; pid: number; cwd: string }[];
  etcd?: string[];
  dataset: string;
}

/**
 * `main.js cluster` starts the cluster of a bench row over the bench table, says where it is and what runs
 * in it as one JSON line, serves the table's keys, and on SIGTERM stops every process it started and
 * removes its files; a bad option is refused before anything starts.
 */
describe('bench cluster', () => {
  it('runs a row cluster with etcd until SIGTERM, then leaves no process and no file behind', async () => {
    const bench = benchCluster(['--transport', 'http', '--near', 'on', '--etcd']);
    let line: string | undefined;
    await eventually(
      'the cluster facts on stdout',
      () => {
        if (!bench.alive) throw new Error(`main.js cluster exited:\n${bench.output()}`);
        line = bench
          .output()
          .split('\n')
          .find((l) => l.startsWith('{"gateway"'));
        return line !== undefined;
      },
      60_000,
    );
    const facts = JSON.parse(line as string) as Facts;
    expect(facts).toMatchObject({ transport: 'http', nearBytes: 32 * 2 ** 20, keys: 10_000 });
    expect(facts.etcd).toHaveLength(1);
    expect(facts.processes.map((p) => p.name)).toEqual([
      'node1',
      'node2',
      'node3',
      'gateway',
      'ttl-worker1',
      'etcd1',
    ]);
    for (const p of facts.processes) {
      expect(pidAlive(p.pid)).toBe(true);
      expect(existsSync(p.cwd)).toBe(true);
    }
    expect(existsSync(facts.dataset)).toBe(true);
    const answer = await fetch(facts.gateway + facts.firstKey);
    expect(answer.status).toBe(200);
    expect((await answer.arrayBuffer()).byteLength).toBe(1_024);

    expect(await bench.stop('SIGTERM', 30_000)).toEqual({ code: 143, signal: null });
    for (const p of facts.processes) expect(pidAlive(p.pid)).toBe(false);
    // The cluster's own folder (its processes' working directory, where --perf-prof writes) is gone too.
    for (const p of facts.processes.filter((p) => !p.name.startsWith('etcd')))
      expect(existsSync(p.cwd)).toBe(false);
    expect(existsSync(dirname(facts.dataset))).toBe(false);
  }, 120_000);

  it('refuses a near cache it cannot read, starting nothing', async () => {
    const bench = benchCluster(['--near', 'lots']);
    expect(await bench.exited).toEqual({ code: 1, signal: null });
    expect(bench.output()).toContain('--near must be off, small, on or a number of bytes, got "lots"');
  });
});
