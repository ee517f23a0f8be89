import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { runToExit, tempDir, toolEnv, workspaceRoot, type TempDir } from '@ringcache/testing';

/** What this suite reads of the file `npm run soak -- --json <file>` writes. */
interface SoakFile {
  ok: boolean;
  warmUpEndS?: number;
  durationS: number;
  judgements: {
    process: string;
    kind: string;
    verdict: 'pass' | 'fail' | 'info';
    rule: string;
    change?: number;
    limit?: number;
  }[];
  checks: { name: string; ok: boolean; detail: string }[];
}

/** The processes the soak starts and samples (and itself, which hosts the SDK client). */
const PROCESSES = ['node1', 'node2', 'node3', 'gateway', 'ttl-worker', 'etcd', 'soak (SDK)'];

/**
 * A short soak on real processes: three nodes, a gateway, a ttl-worker, etcd and MariaDB under steady mixed
 * load (gateway and SDK), sampled every 2 s for 90 s. Once the caches are full, nothing may keep growing:
 * descriptors, sockets, etcd keys and leases stay flat, no process exits, no operation fails. RSS is sampled
 * and reported, but heaps take minutes to reach their working size, so only a run past the memory warm-up
 * (`npm run soak`, 5 minutes and more) judges it. The rules are unit-tested in tools/soak with growing series.
 */
describe('soak', () => {
  let dir: TempDir;

  beforeAll(() => {
    const main = join(workspaceRoot(), 'dist', 'tools', 'soak', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} does not exist: run \`npx nx build soak\` first`);
    dir = tempDir('ringcache-soak-');
  });
  afterAll(() => dir?.remove());

  it('keeps descriptors, sockets, etcd keys and leases flat once the caches are full', async () => {
    const file = join(dir.path, 'soak.json');
    const passOn = ['RINGCACHE_TEST_MYSQL_ADMIN_URL', 'ETCD_BIN', 'ETCDCTL_BIN'];
    const env = toolEnv(
      Object.fromEntries(passOn.filter((k) => process.env[k]).map((k) => [k, process.env[k]])),
    );
    const run = await runToExit(
      {
        name: 'soak',
        command: process.execPath,
        args: [
          join(workspaceRoot(), 'dist/tools/soak/main.js'),
          // The smallest budget, so the caches fill within the first half of the run even on a busy machine.
          '--duration',
          '90s',
          '--interval',
          '2s',
          '--budget',
          '1MiB',
          '--json',
          file,
        ],
        env,
      },
      112_000,
    );
    // The soak's own output (its report, or why it stopped) when it wrote no result.
    expect({ written: existsSync(file), output: existsSync(file) ? '' : run.output }).toEqual({
      written: true,
      output: '',
    });
    const result = JSON.parse(readFileSync(file, 'utf8')) as SoakFile;

    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    // At least a dozen samples after warm-up for each trend.
    expect(result.warmUpEndS).toBeLessThan(result.durationS * 0.7);
    const judged = (kind: string) => result.judgements.filter((j) => j.kind === kind);
    // Every started process was sampled, and every rule was judged on it.
    expect(
      judged('fds')
        .map((j) => j.process)
        .sort(),
    ).toEqual([...PROCESSES].sort());
    expect(judged('etcd-leases')).toHaveLength(1);
    expect(judged('etcd-keys')).toHaveLength(1);
    // RSS is sampled for every process it started, and not judged in a run this short.
    expect(
      judged('rss')
        .map((j) => j.process)
        .sort(),
    ).toEqual([...PROCESSES].sort());
    expect(judged('rss').every((j) => j.verdict === 'info')).toBe(true);
    // Nothing keeps growing: every failed rule at once, with its numbers.
    expect(result.judgements.filter((j) => j.verdict === 'fail')).toEqual([]);
    expect({ code: run.code, ok: result.ok }).toEqual({ code: 0, ok: true });
  }, 120_000);
});
