import { Etcd3 } from 'etcd3';

import { EtcdCluster } from './etcd';

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
