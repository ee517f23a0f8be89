import { Etcd3 } from 'etcd3';

import {
  EtcdCluster,
  eventually,
  freePort,
  startCluster,
  startNode,
  type TestCluster,
} from '@ringcache/testing';

import { converged, views } from '../support';

describe('clusters sharing one etcd, duplicate names and garbage', () => {
  let etcd: EtcdCluster;
  let blue: TestCluster;
  let green: TestCluster;

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
    [blue, green] = await Promise.all([
      startCluster({ nodes: 2, etcd: { endpoints: etcd.endpoints, cluster: 'blue' } }),
      startCluster({ nodes: 3, etcd: { endpoints: etcd.endpoints, cluster: 'green' } }),
    ]);
  });

  afterAll(async () => {
    await blue?.stop();
    await green?.stop();
    await etcd?.stop();
  });

  it('keeps two clusters on one etcd apart', async () => {
    await eventually('blue has 2', () => converged(blue, ['node1', 'node2']));
    await eventually('green has 3', () => converged(green, ['node1', 'node2', 'node3']));
  });

  /** Every key under a cluster's prefix with the revision it was last written at. */
  async function registrations(cluster: string): Promise<string[]> {
    const client = new Etcd3({ hosts: etcd.endpoints });
    try {
      const { kvs } = await client.getAll().prefix(`ringcache/${cluster}/`).exec();
      return kvs.map((kv) => `${kv.key.toString()}@${kv.mod_revision}`).sort();
    } finally {
      client.close();
    }
  }

  it('refuses to start a node whose name is taken, with a clear message', async () => {
    await eventually('blue has 2', () => converged(blue, ['node1', 'node2']));
    const before = await registrations('blue');
    const clash = startNode(
      { name: 'node1', grpc: `127.0.0.1:${await freePort()}`, http: `127.0.0.1:${await freePort()}` },
      [],
      {
        PATH: process.env['PATH'],
        RINGCACHE_ETCD_ENDPOINTS: etcd.endpoints.join(','),
        RINGCACHE_CLUSTER: 'blue',
        RINGCACHE_SQLITE_PATH: ':memory:',
      },
      blue.dir,
    );
    const exit = await clash.exited;
    expect(exit.code).not.toBe(0);
    expect(clash.output()).toMatch(
      /node name node1 is already registered by another node at 127\.0\.0\.1:\d+/,
    );
    // Nothing under blue's prefix was written, so no watcher saw a change: the rings are as they were.
    expect(await registrations('blue')).toEqual(before);
    expect(await converged(blue, ['node1', 'node2'])).toBe(true);
  });

  it('logs and ignores garbage written under the prefixes, and keeps watching', async () => {
    const client = new Etcd3({ hosts: etcd.endpoints });
    try {
      await client.put('ringcache/green/node/intruder/1.2.3.4:5').value('{"oops":');
      await client.put('ringcache/green/cache/1.2.3.4:5').value('not json at all');
      await client
        .put('ringcache/green/node/evil/1.2.3.4:6')
        .value(JSON.stringify({ Addr: 'x', Metadata: { nodeName: 'evil', grpc: 'nope', http: '' } }));
      // The watchers have seen the garbage once every process says it ignored it.
      await eventually('the garbage seen and ignored', () => {
        for (const node of green.nodes) {
          expect(node.process.printed(/ignoring ringcache\/green\/node\/intruder/)).toBe(true);
          expect(node.process.printed(/ignoring ringcache\/green\/node\/evil/)).toBe(true);
        }
        expect(green.gateway?.process.printed(/ignoring ringcache\/green\/cache\/1\.2\.3\.4:5/)).toBe(true);
      });
      expect(await converged(green, ['node1', 'node2', 'node3'])).toBe(true);
      expect(green.nodes.every((n) => n.process.alive) && green.gateway?.process.alive).toBe(true);
      // Still watching: a real change after the garbage is applied.
      await green.addNode('node4');
      await eventually('node4 seen', () => converged(green, ['node1', 'node2', 'node3', 'node4']));
      expect((await views(green)).size).toBe(5);
    } finally {
      client.close();
    }
  });
});
