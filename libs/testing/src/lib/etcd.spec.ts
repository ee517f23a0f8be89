import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { Etcd3 } from 'etcd3';

import { TestCa } from './certificates';
import { EtcdCluster } from './etcd';
import { eventually } from './http';
import { tempDir } from './temp-dir';

describe('EtcdCluster', () => {
  it('starts a single member that serves reads and writes, and cleans up', async () => {
    const etcd = await EtcdCluster.start(1);
    const client = new Etcd3({ hosts: etcd.endpoints });
    try {
      await client.put('probe').value('1');
      expect(await client.get('probe').string()).toBe('1');
      expect((await etcd.leader()).name).toBe('etcd1');
    } finally {
      client.close();
      await etcd.stop();
    }
    expect(etcd.members[0].process.alive).toBe(false);
  }, 30_000);

  it('runs 3 members that survive the leader being killed and restarted', async () => {
    const etcd = await EtcdCluster.start(3);
    const client = new Etcd3({ hosts: etcd.endpoints, dialTimeout: 2_000 });
    try {
      await client.put('k').value('before');
      const leader = await etcd.leader();
      await etcd.kill(leader);
      await client.put('k').value('after');
      expect(await client.get('k').string()).toBe('after');
      await etcd.restart(leader);
      await etcd.waitHealthy();
    } finally {
      client.close();
      await etcd.stop();
    }
  }, 60_000);
});

describe('EtcdCluster with auto-compaction', () => {
  it('compacts away old revisions, and keeps them without the option', async () => {
    const compacting = await EtcdCluster.start({ autoCompaction: '1s' });
    const plain = await EtcdCluster.start(1);
    try {
      const firstRevision = async (etcd: EtcdCluster) => {
        const put = await etcd.etcdctl(['put', 'k', 'v1', '-w', 'json']);
        await etcd.etcdctl(['put', 'k', 'v2']);
        return /"revision":(\d+)/.exec(put.output)?.[1];
      };
      const [oldCompacting, oldPlain] = await Promise.all([firstRevision(compacting), firstRevision(plain)]);
      await eventually(
        'revision compacted',
        async () => {
          await compacting.etcdctl(['put', 'tick', 'x']);
          const read = await compacting.etcdctl(['get', 'k', `--rev=${oldCompacting}`]);
          expect(read.output).toMatch(/compacted/);
        },
        15_000,
      );
      const kept = await plain.etcdctl(['get', 'k', `--rev=${oldPlain}`, '--print-value-only']);
      expect(kept.output.trim()).toBe('v1');
    } finally {
      await Promise.all([compacting.stop(), plain.stop()]);
    }
  }, 40_000);
});

describe('EtcdCluster with a snapshot count', () => {
  it('snapshots after that many entries, where etcd by default would not yet', async () => {
    const snapshotting = await EtcdCluster.start({ snapshotCount: 100 });
    const plain = await EtcdCluster.start(1);
    const snapshots = (etcd: EtcdCluster) =>
      readdirSync(join(etcd.members[0].dataDir, 'member', 'snap')).filter((f) => f.endsWith('.snap'));
    try {
      for (const etcd of [snapshotting, plain]) {
        const client = new Etcd3({ hosts: etcd.endpoints });
        try {
          for (let i = 0; i < 150; i++) await client.put(`k${i}`).value('v');
        } finally {
          client.close();
        }
      }
      await eventually('a snapshot written', () => expect(snapshots(snapshotting).length).toBeGreaterThan(0));
      expect(snapshots(plain)).toEqual([]);
    } finally {
      await Promise.all([snapshotting.stop(), plain.stop()]);
    }
  }, 40_000);
});

describe('EtcdCluster with client TLS', () => {
  it('serves https only to clients presenting a certificate from its CA', async () => {
    const dir = tempDir('ringcache-etcd-tls-');
    const ca = TestCa.create(dir.path);
    const etcd = await EtcdCluster.start({ tls: ca.issue('etcd') });
    try {
      expect(etcd.endpoints[0]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect((await etcd.etcdctl(['put', 'k', 'v'])).code).toBe(0);
      expect((await etcd.etcdctl(['get', 'k', '--print-value-only'])).output).toBe('v');
      const intruder = TestCa.create(dir.path, 'other-ca').issue('intruder');
      const refused = await etcd.etcdctl(['get', 'k'], { tls: { ...intruder, caFile: ca.caFile } });
      expect(refused.code).not.toBe(0);
    } finally {
      await etcd.stop();
      dir.remove();
    }
  }, 60_000);
});
