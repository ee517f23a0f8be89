// Starting local etcd members from the `etcd` binary (Debian's etcd-server package), shared by
// `npm run etcd`, `npm run etcd:cluster` and `npm start`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The members of the local 3-member cluster, as in etcd/Procfile. */
export const CLUSTER_MEMBERS = [
  { name: 'infra1', client: 2379, peer: 2380 },
  { name: 'infra2', client: 22379, peer: 22380 },
  { name: 'infra3', client: 32379, peer: 32380 },
];

/** The single member of `npm run etcd` and `npm start`. */
export const SINGLE_MEMBER = [{ name: 'infra1', client: 2379, peer: 2380 }];

/** True when an `etcd` binary is on the PATH. */
export function etcdAvailable() {
  return spawnSync('etcd', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts `members` with data in a fresh temp dir; resolves once every member answers /health. Returns
 * the client endpoints and a `stop()` that stops the members (by pid) and removes the data.
 */
export async function startEtcd(members, { quiet = true } = {}) {
  const dataRoot = mkdtempSync(join(tmpdir(), 'ringcache-etcd-'));
  const initialCluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.peer}`).join(',');
  const children = members.map((m) =>
    spawn(
      'etcd',
      [
        '--name',
        m.name,
        '--data-dir',
        join(dataRoot, m.name),
        '--listen-client-urls',
        `http://127.0.0.1:${m.client}`,
        '--advertise-client-urls',
        `http://127.0.0.1:${m.client}`,
        '--listen-peer-urls',
        `http://127.0.0.1:${m.peer}`,
        '--initial-advertise-peer-urls',
        `http://127.0.0.1:${m.peer}`,
        '--initial-cluster-token',
        'ringcache-local',
        '--initial-cluster',
        initialCluster,
        '--initial-cluster-state',
        'new',
        // Keep 5 minutes of history: every write with a TTL is a delay-queue key that its lease's expiry
        // deletes, and without compaction each revision would stay in etcd's memory and database for good.
        '--auto-compaction-mode',
        'periodic',
        '--auto-compaction-retention',
        '5m',
        '--log-level',
        'warn',
      ],
      // A process group of its own, so a terminal's Ctrl-C reaches only the script: it stops etcd last,
      // after the cache nodes have revoked their leases in it.
      { stdio: quiet ? 'ignore' : 'inherit', detached: true },
    ),
  );
  const endpoints = members.map((m) => `http://127.0.0.1:${m.client}`);
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            // A member stopping while its peers stop too waits seconds for a leader transfer that cannot
            // happen; the data is thrown away anyway, so do not wait long.
            const timer = setTimeout(() => child.kill('SIGKILL'), 1_500);
            child.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dataRoot, { recursive: true, force: true });
  };
  for (const endpoint of endpoints) {
    let healthy = false;
    for (let i = 0; i < 100 && !healthy; i++) {
      if (children.some((c) => c.exitCode !== null)) break;
      try {
        const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
        healthy = res.status === 200;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (!healthy) {
      await stop();
      throw new Error(`etcd at ${endpoint} did not become healthy (is the port taken?)`);
    }
  }
  return { endpoints, stop, children };
}
