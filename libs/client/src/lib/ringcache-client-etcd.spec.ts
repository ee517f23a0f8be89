import type { Etcd3 } from 'etcd3';

import { createEtcdClient, EtcdKeys } from '@ringcache/discovery';
import { EtcdCluster, eventually, freePort, startCluster, type TestCluster } from '@ringcache/testing';

import { keysOwnedBy, nodeRingVersions, recordingLogger } from '../test/support';
import { UnavailableError } from './errors';
import { RingcacheClient } from './ringcache-client';

/**
 * The SDK finding real nodes through a real etcd, as the gateway does, and calling them over each transport
 * (etcd registrations carry both addresses).
 */
describe('RingcacheClient with etcd discovery', () => {
  let etcd: EtcdCluster;
  let admin: Etcd3;

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
    admin = createEtcdClient({ endpoints: etcd.endpoints, dialTimeoutMs: 2_000 });
  }, 60_000);

  afterAll(async () => {
    admin?.close();
    await etcd?.stop();
  }, 30_000);

  describe.each(['grpc', 'http'] as const)('over %s', (transport) => {
    const clusterName = `sdk-${transport}`;
    let cluster: TestCluster;
    let client: RingcacheClient;

    beforeAll(async () => {
      cluster = await startCluster({
        nodes: 2,
        gateway: false,
        etcd: { endpoints: etcd.endpoints, cluster: clusterName },
      });
      client = new RingcacheClient({ etcd: { endpoints: etcd.endpoints, cluster: clusterName }, transport });
    }, 90_000);

    afterAll(async () => {
      await client?.close();
      await cluster?.stop();
    }, 30_000);

    it('finds the registered nodes and reads through their owners', async () => {
      await client.ready();
      expect(client.discoveryKind).toBe('etcd');
      expect(client.transport).toBe(transport);
      await eventually('both nodes known', () => client.members().length === 2);
      expect(client.members().map((m) => m.name)).toEqual(['node1', 'node2']);
      expect((await client.get('scores', 'Tom'))?.toString()).toBe('630');
      expect(await client.get('scores', 'Nobody')).toBeUndefined();
    });

    it('follows a node that joins later, and sends its keys to it', async () => {
      const changes: string[][] = [];
      const unsubscribe = client.onMembersChange((members) => changes.push(members.map((m) => m.name)));
      const joined = await cluster.addNode('node3');
      await eventually('node3 on the client ring', () => client.members().length === 3, 10_000);
      unsubscribe();
      expect(changes.at(-1)).toEqual(['node1', 'node2', 'node3']);
      await eventually('every ring agrees', async () =>
        (await nodeRingVersions(cluster)).every((version) => version === client.ringVersion),
      );

      const keys = keysOwnedBy(client, 'scores', 'node3', 5);
      await client.set('scores', keys[0], 'on node3');
      expect((await client.get('scores', keys[0]))?.toString()).toBe('on node3');
      await client.getMany('scores', keys);
      const samples = await fetch(`${joined.url}/metrics`).then((r) => r.text());
      // node3 served them itself, as their owner, reached directly (hops 0).
      expect(samples).toMatch(/^ringcache_peer_requests_total\{hops="0"\} [1-9]/m);
    }, 60_000);

    it('drops a node that leaves', async () => {
      await cluster.node('node3').process.stop('SIGTERM', 5_000);
      await eventually('node3 gone from the client ring', () => client.members().length === 2, 10_000);
      expect((await client.get('scores', 'Tom'))?.toString()).toBe('630');
    }, 30_000);

    it('flushes by raising the group generation in etcd, as the gateway does', async () => {
      const key = new EtcdKeys(clusterName).group('scores');
      const before = JSON.parse((await admin.get(key).string()) ?? '{"generation":0}') as {
        generation: number;
      };
      await client.set('scores', 'flush-me', 'x');
      const result = await client.flush('scores');
      expect(result).toEqual({ generation: before.generation + 1, nodes: 2, unreachable: [] });
      const after = JSON.parse((await admin.get(key).string()) as string) as { generation: number };
      expect(after.generation).toBe(before.generation + 1);
      expect(await client.get('scores', 'flush-me')).toBeUndefined();
    });
  });

  it('ready() rejects after its timeout, saying where it looked, when no node is registered', async () => {
    const empty = new RingcacheClient({ etcd: { endpoints: etcd.endpoints, cluster: 'nobody-here' } });
    try {
      const started = Date.now();
      await expect(empty.ready(500)).rejects.toThrow(
        new UnavailableError(
          `no cache node known after 500 ms (etcd ${etcd.endpoints[0]}, ringcache/nobody-here/cache/: none is registered)`,
        ),
      );
      expect(Date.now() - started).toBeLessThan(1_500);
      await expect(empty.get('scores', 'Tom')).rejects.toThrow('no cache nodes are known');
    } finally {
      await empty.close();
    }
  });

  it('keeps retrying an unreachable etcd, reports it, and closes cleanly', async () => {
    const logger = recordingLogger();
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const unreachable = new RingcacheClient({ etcd: { endpoints: [endpoint], dialTimeoutMs: 300 }, logger });
    try {
      await expect(unreachable.ready(4_000)).rejects.toThrow(
        /no cache node known after 4000 ms \(etcd .*: reading them failed: /,
      );
      expect(logger.warnings[0]).toMatch(/^reading the cache nodes from etcd .* failed/);
      await expect(unreachable.get('scores', 'Tom', { timeoutMs: 500 })).rejects.toThrow(UnavailableError);
    } finally {
      await unreachable.close();
    }
  }, 15_000);
});
