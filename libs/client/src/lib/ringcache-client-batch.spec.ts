import { startCluster, type TestCluster } from '@ringcache/testing';

import { keysOwnedBy, nodesOf } from '../test/support';
import { BatchWriteError, InvalidArgumentError, UnavailableError, ValueTooLargeError } from './errors';
import { RingcacheClient } from './ringcache-client';

/** The SDK's batch writes against three real cache nodes, over each transport. */
describe.each(['grpc', 'http'] as const)('RingcacheClient batch writes (%s)', (transport) => {
  let cluster: TestCluster;
  let client: RingcacheClient;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, gateway: false });
    client = new RingcacheClient({ nodes: nodesOf(cluster), transport, maxValueBytes: 64 });
    await client.ready();
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await cluster?.stop();
  }, 30_000);

  it('stores 1,500 entries with one call per owner per 1,000, reads them back, and drops them', async () => {
    const keys = Array.from({ length: 1_500 }, (_, i) => `b${i}`);
    const stored = await client.setMany(
      'scores',
      keys.map((key, i) => ({ key, value: `v-${key}`, ttl: i % 2 ? '30s' : undefined })),
    );
    expect(stored).toHaveLength(1_500);
    expect(stored[1].expireAtMs).toBeLessThanOrEqual(Date.now() + 30_000);
    const values = await client.getMany('scores', keys);
    expect(values.map((v) => v?.toString())).toEqual(keys.map((key) => `v-${key}`));
    expect(await client.deleteMany('scores', ['b0', 'b1', 'never'])).toEqual([true, true, false]);
    expect(await client.get('scores', 'b0')).toBeUndefined();
    expect((await client.get('scores', 'b2'))?.toString()).toBe('v-b2');
  });

  it('checks every entry first: a bad one stores nothing', async () => {
    await expect(
      client.setMany('scores', [
        { key: 'c1', value: 'ok' },
        { key: 'c2', value: 'x'.repeat(65) },
      ]),
    ).rejects.toThrow(ValueTooLargeError);
    await expect(
      client.setMany('scores', [
        { key: 'c1', value: 'ok' },
        { key: 'c2', value: 'ok', ttl: '40d' },
      ]),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(client.setMany('scores', [{ key: '', value: 'ok' }])).rejects.toThrow(InvalidArgumentError);
    expect(await client.get('scores', 'c1')).toBeUndefined();
    expect(await client.setMany('scores', [])).toEqual([]);
  });

  it('rejects BatchWriteError naming each entry’s outcome when an owner is down; the others are stored', async () => {
    const down = cluster.nodes[1];
    const lost = keysOwnedBy(client, 'scores', down.name, 3);
    const kept = keysOwnedBy(client, 'scores', cluster.nodes[0].name, 3);
    await down.process.stop('SIGKILL');
    try {
      const error = (await client
        .setMany(
          'scores',
          [...lost, ...kept].map((key) => ({ key, value: 'late' })),
        )
        .catch((e: unknown) => e)) as BatchWriteError<{ expireAtMs: number }>;
      expect(error).toBeInstanceOf(BatchWriteError);
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error.message).toMatch(/^setMany: 3 of 6 entries not written/);
      expect(error.results.slice(0, 3).every((r) => 'error' in r)).toBe(true);
      expect(error.results.slice(3).every((r) => 'expireAtMs' in r)).toBe(true);
      for (const key of kept) expect((await client.get('scores', key))?.toString()).toBe('late');
    } finally {
      await cluster.restartNode(down.name);
    }
  }, 30_000);
});
