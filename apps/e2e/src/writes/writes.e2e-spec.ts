import { GrpcPeerClient } from '@ringcache/peer-grpc';
import {
  eventually,
  ScratchMysql,
  startCluster,
  type GatewayHandle,
  type TestCluster,
} from '@ringcache/testing';

import { concurrently, get, ownerOf, peerUrl, request } from '../support';

/**
 * Writes on real processes and MariaDB: Set/Get/Delete through the gateway and straight against every
 * node, flush, getMany, and the near caches of two gateways kept coherent. (The race of a Delete with a
 * load in flight has its own suite, delete-race.)
 */
/** A read of a key with no value: 404 and the not_found code (not an unknown group, not an error). */
const NOT_FOUND = { status: 404, body: expect.stringContaining('"code":"not_found"') };

describe('writes and invalidation', () => {
  let mysql: ScratchMysql;
  let cluster: TestCluster;
  let second: GatewayHandle;
  const items = (key: string) =>
    `${cluster.gateway?.url}/api/v1/groups/items/keys/${encodeURIComponent(key)}`;

  beforeAll(async () => {
    mysql = await ScratchMysql.create();
    await mysql.exec('CREATE TABLE item (k VARCHAR(64) PRIMARY KEY, v VARCHAR(64) NOT NULL)');
    await mysql.exec(
      `INSERT INTO item VALUES ${Array.from({ length: 1_100 }, (_, i) => `('k${i}', 'old${i}')`).join(', ')}`,
    );
    // The demo group scores (registered in code) needs its table; the groups under test read `item`.
    await mysql.exec(
      'CREATE TABLE student (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) UNIQUE, score INT)',
    );
    cluster = await startCluster({
      transport: 'grpc',
      mysqlUrl: mysql.url,
      env: { RINGCACHE_DEMO_SEED: 'false' },
      groups: {
        items: { table: 'item', keyColumn: 'k', valueColumn: 'v', ttl: '10m' },
      },
    });
    second = await cluster.addGateway();
  });

  afterAll(async () => {
    await cluster?.stop();
    await mysql?.drop();
  });

  it('sets, reads and deletes through the gateway, reading its own writes at once', async () => {
    const put = await request('PUT', `${items('fresh')}?ttl=30s`, 'hello', {
      'content-type': 'application/octet-stream',
    });
    expect(put.status).toBe(200);
    const { expireAtMs } = JSON.parse(put.body) as { expireAtMs: number };
    expect(expireAtMs).toBeGreaterThan(Date.now() + 25_000);
    const read = await request('GET', items('fresh'));
    expect({ status: read.status, body: read.body }).toEqual({ status: 200, body: 'hello' });
    expect(read.headers.get('x-ringcache-expire-at')).toBe(String(expireAtMs));
    const deleted = await request('DELETE', items('fresh'));
    expect({ status: deleted.status, body: JSON.parse(deleted.body) }).toEqual({
      status: 200,
      body: { deleted: true },
    });
    expect(await get(items('fresh'))).toEqual(NOT_FOUND);
  });

  it('sets and deletes straight against every node, over HTTP and gRPC, and every node agrees', async () => {
    for (const [i, node] of cluster.nodes.entries()) {
      const key = `direct-${i}`;
      const set = await request('PUT', peerUrl(node, 'items', key), `v${i}`, {
        'content-type': 'application/octet-stream',
      });
      expect(set.status).toBe(200);
      for (const other of cluster.nodes)
        expect(await get(peerUrl(other, 'items', key))).toEqual({ status: 200, body: `v${i}` });
      const client = new GrpcPeerClient({ name: node.name, address: `127.0.0.1:${node.grpcPort}` });
      try {
        const stored = await client.set(
          { group: 'items', key, value: Buffer.from(`g${i}`), ttlMs: 0, hops: 0, ringVersion: '' },
          { deadlineMs: 5_000 },
        );
        // No TTL given: the group's 10 minutes.
        expect(stored.expireAtMs).toBeGreaterThan(Date.now() + 9 * 60_000);
        // Read-your-write at the owner, and everywhere else too: copies were invalidated.
        const owner = cluster.node(ownerOf(cluster, 'items', key));
        expect(await get(peerUrl(owner, 'items', key))).toEqual({ status: 200, body: `g${i}` });
        for (const other of cluster.nodes)
          expect(await get(peerUrl(other, 'items', key))).toEqual({ status: 200, body: `g${i}` });
        expect(
          await client.delete({ group: 'items', key, hops: 0, ringVersion: '' }, { deadlineMs: 5_000 }),
        ).toEqual({ deleted: true });
      } finally {
        await client.close();
      }
      for (const other of cluster.nodes) expect(await get(peerUrl(other, 'items', key))).toEqual(NOT_FOUND);
    }
  });

  it('keeps near caches of two gateways coherent: a write through one is seen through the other', async () => {
    const viaSecond = (key: string) => `${second.url}/api/v1/groups/items/keys/${key}`;
    expect(await get(viaSecond('k7'))).toEqual({ status: 200, body: 'old7' });
    expect(await get(viaSecond('k7'))).toEqual({ status: 200, body: 'old7' }); // now in gateway 2's near cache
    expect((await request('PUT', items('k7'), 'new7')).status).toBe(200);
    await eventually(
      'gateway 2 sees the write',
      async () => (await get(viaSecond('k7'))).body === 'new7',
      2_000,
    );
    expect((await request('DELETE', items('k7'))).status).toBe(200);
    await eventually(
      'gateway 2 sees the delete',
      async () => (await get(viaSecond('k7'))).body === 'old7',
      2_000,
    );
    const metrics = await (await fetch(`${second.url}/metrics`)).text();
    expect(Number(/^ringcache_gateway_near_cache_hits_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(
      Number(/^ringcache_gateway_near_cache_invalidations_total (\d+)/m.exec(metrics)?.[1]),
    ).toBeGreaterThan(0);
  });

  it('flushes a group: once it returns, no node nor gateway serves an entry from before', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `k${1_000 + i}`);
    await concurrently(keys.length * 4, (i) => {
      const key = keys[i % keys.length];
      const via = Math.floor(i / keys.length);
      return via === 3 ? get(items(key)) : get(peerUrl(cluster.nodes[via], 'items', key));
    });
    await mysql.exec("UPDATE item SET v = CONCAT('flushed-', k) WHERE k LIKE 'k10%'");
    const flushed = await request('DELETE', `${cluster.gateway?.url}/api/v1/groups/items`);
    expect(flushed.status).toBe(200);
    const flush = JSON.parse(flushed.body) as { generation: number; nodes: number };
    expect(flush.nodes).toBe(3);
    for (const key of keys) {
      expect(await get(items(key))).toEqual({ status: 200, body: `flushed-${key}` });
      for (const node of cluster.nodes)
        expect(await get(peerUrl(node, 'items', key))).toEqual({ status: 200, body: `flushed-${key}` });
    }
    const generations = await cluster.sum('ringcache_group_generation', { group: 'items' });
    expect(generations).toBe(3 * flush.generation);
  });

  it('answers getMany over keys on every owner, some absent, in one gateway request', async () => {
    const keys = ['k1', 'absent-1', ...Array.from({ length: 40 }, (_, i) => `k${i + 200}`), 'absent-2'];
    expect(new Set(keys.map((k) => ownerOf(cluster, 'items', k))).size).toBe(3);
    const res = await request(
      'POST',
      `${cluster.gateway?.url}/api/v1/groups/items/keys:batchGet`,
      JSON.stringify({ keys }),
    );
    expect(res.status).toBe(200);
    const { results } = JSON.parse(res.body) as {
      results: { key: string; found: boolean; value?: string }[];
    };
    // Each key's own row, exactly: no other key's value, no value for an absent key.
    expect(
      results.map((r) => ({
        key: r.key,
        found: r.found,
        value: r.found ? Buffer.from(r.value as string, 'base64').toString() : undefined,
      })),
    ).toEqual(
      keys.map((key) =>
        key.startsWith('absent')
          ? { key, found: false, value: undefined }
          : { key, found: true, value: key.replace(/^k/, 'old') },
      ),
    );
  });

  it.each([
    ['PUT', '/api/v1/groups/items/keys/x?ttl=0', 400, 'invalid_argument', 'v'],
    ['PUT', '/api/v1/groups/items/keys/x?ttl=31d', 400, 'invalid_argument', 'v'],
    ['PUT', '/api/v1/groups/items/keys/x?ttl=later', 400, 'invalid_argument', 'v'],
    ['PUT', '/api/v1/groups/items/keys/x', 413, 'value_too_large', 'v'.repeat(1024 * 1024 + 1)],
    ['PUT', '/api/v1/groups/nope/keys/x', 404, 'unknown_group', 'v'],
    ['DELETE', '/api/v1/groups/nope/keys/x', 404, 'unknown_group', undefined],
    ['DELETE', '/api/v1/groups/nope', 404, 'unknown_group', undefined],
    ['POST', '/api/v1/groups/items/keys:batchGet', 400, 'invalid_argument', '{"keys":"k1"}'],
    [
      'POST',
      '/api/v1/groups/items/keys:batchGet',
      400,
      'invalid_argument',
      JSON.stringify({ keys: Array.from({ length: 1_001 }, (_, i) => `k${i}`) }),
    ],
  ])('%s %s → %d %s, changing nothing', async (method, path, status, code, body) => {
    const before = (await get(items('x'))).status;
    const answer = await request(method, `${cluster.gateway?.url}${path}`, body);
    expect(answer.status).toBe(status);
    expect((JSON.parse(answer.body) as { code: string }).code).toBe(code);
    expect((await get(items('x'))).status).toBe(before);
  });
});
