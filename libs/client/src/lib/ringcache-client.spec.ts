import { freePort, startCluster, TcpProxy, type TestCluster } from '@ringcache/testing';

import { keysOwnedBy, nodeRingVersions, nodesOf } from '../test/support';
import {
  ClientClosedError,
  InvalidArgumentError,
  KeyTooLongError,
  NotFoundError,
  UnavailableError,
  UnknownGroupError,
  ValueTooLargeError,
} from './errors';
import { RingcacheClient } from './ringcache-client';

const transports = ['grpc', 'http'] as const;

/**
 * The SDK against three real cache nodes (static list), no gateway, over each transport: the nodes serve
 * both, and everything above the peer client is the same ClusterRouter, so every behaviour must match.
 */
describe.each(transports)('RingcacheClient on a real cluster (fixed node list, %s)', (transport) => {
  let cluster: TestCluster;
  let client: RingcacheClient;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, gateway: false });
    client = new RingcacheClient({ nodes: nodesOf(cluster), transport });
    await client.ready();
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await cluster?.stop();
  }, 30_000);

  it('keeps the same ring as the nodes', async () => {
    expect(client.discoveryKind).toBe('static');
    expect(client.transport).toBe(transport);
    expect(client.members().map((m) => m.name)).toEqual(['node1', 'node2', 'node3']);
    expect(await nodeRingVersions(cluster)).toEqual([
      client.ringVersion,
      client.ringVersion,
      client.ringVersion,
    ]);
  });

  it('reads loaded values and not-found answers, one hop, from each key’s owner', async () => {
    expect((await client.get('scores', 'Tom'))?.toString()).toBe('630');
    expect(await client.get('scores', 'Nobody')).toBeUndefined();
    expect(await client.getEntry('scores', 'Nobody')).toEqual({
      found: false,
      expireAtMs: expect.any(Number),
    });
    const tom = await client.getEntry('scores', 'Tom');
    expect(tom).toMatchObject({ found: true, stale: false });
    expect(tom.found && tom.value.toString()).toBe('630');
    await expect(client.getOrThrow('scores', 'Nobody')).rejects.toThrow(
      new NotFoundError('scores', 'Nobody'),
    );
    expect((await client.getOrThrow('scores', 'Jack')).toString()).toBe('589');

    const keys = ['Tom', 'Nobody', 'Jack', ...Array.from({ length: 60 }, (_, i) => `k${i}`), 'Sam'];
    const values = await client.getMany('scores', keys);
    expect(values.map((v) => v?.toString())).toEqual([
      '630',
      undefined,
      '589',
      ...Array(60).fill(undefined),
      '567',
    ]);
    const entries = await client.getManyEntries('scores', ['Sam', 'Nobody']);
    expect(entries.map((e) => e.found)).toEqual([true, false]);
    expect(await client.getMany('scores', [])).toEqual([]);

    // Every request reached its owner directly: no node forwarded one (hops 1) or fetched from a peer.
    expect(await cluster.sum('ringcache_peer_requests_total', { hops: '1' })).toBe(0);
    expect(await cluster.sum('ringcache_gets_total', { outcome: 'peer' })).toBe(0);
    expect(await cluster.sum('ringcache_peer_requests_total', { hops: '0' })).toBeGreaterThan(0);
  });

  it('splits a getMany of more than 1,000 keys into batches, keeping the order', async () => {
    const keys = Array.from({ length: 2_500 }, (_, i) => (i % 500 === 0 ? 'Tom' : `many-${i}`));
    const values = await client.getMany('scores', keys);
    expect(values).toHaveLength(2_500);
    values.forEach((value, i) => expect(value?.toString()).toBe(i % 500 === 0 ? '630' : undefined));
  });

  it('sets, reads back, deletes and flushes', async () => {
    const before = Date.now();
    const { expireAtMs } = await client.set('scores', 'sdk-a', 'first', { ttl: '30s' });
    expect(expireAtMs).toBeGreaterThanOrEqual(before + 30_000);
    expect(expireAtMs).toBeLessThan(Date.now() + 31_000);
    expect((await client.get('scores', 'sdk-a'))?.toString()).toBe('first');
    await client.set('scores', 'sdk-a', Buffer.from([0, 255, 1]));
    expect([...((await client.get('scores', 'sdk-a')) ?? [])]).toEqual([0, 255, 1]);
    await client.set('scores', 'sdk-b', new Uint8Array(0), { ttl: 60_000 });
    const empty = await client.getEntry('scores', 'sdk-b');
    expect(empty.found && empty.value.length).toBe(0);

    // Stored at the owner: every node answers it (the others ask the owner).
    for (const node of cluster.nodes) {
      const answer = await fetch(`${node.url}/_ringcache/scores/sdk-a`, {
        signal: AbortSignal.timeout(5_000),
      });
      expect([...new Uint8Array(await answer.arrayBuffer())]).toEqual([0, 255, 1]);
    }

    expect(await client.delete('scores', 'sdk-a')).toBe(true);
    expect(await client.get('scores', 'sdk-a')).toBeUndefined(); // reloaded: the table has no such row
    expect(await client.delete('scores', 'never-set')).toBe(false);

    await client.set('scores', 'sdk-c', 'gone after flush');
    const flushed = await client.flush('scores');
    expect(flushed).toEqual({ generation: expect.any(Number), nodes: 3, unreachable: [] });
    expect(flushed.generation).toBeGreaterThanOrEqual(before);
    expect(await client.get('scores', 'sdk-c')).toBeUndefined();
    expect((await client.get('scores', 'Tom'))?.toString()).toBe('630');
  });

  it('rejects bad arguments with typed errors, before sending anything', async () => {
    await expect(client.get('', 'Tom')).rejects.toThrow(new InvalidArgumentError('group must not be empty'));
    await expect(client.get('scores', '')).rejects.toThrow(new InvalidArgumentError('key must not be empty'));
    await expect(client.get('scores', 'x'.repeat(1_025))).rejects.toThrow(KeyTooLongError);
    await expect(client.get('scores', 7 as unknown as string)).rejects.toThrow(
      'key must be a string, got number',
    );
    await expect(client.getMany('scores', 'Tom' as unknown as string[])).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(client.set('scores', 'k', 'x'.repeat(1_048_577))).rejects.toThrow(ValueTooLargeError);
    await expect(client.set('scores', 'k', 'v', { ttl: 'soon' })).rejects.toThrow(/^ttl: invalid duration/);
    await expect(client.set('scores', 'k', 'v', { ttl: 10 })).rejects.toThrow(
      /ttl must be between 1s and 30d/,
    );
    await expect(client.get('scores', 'Tom', { timeoutMs: 0 })).rejects.toThrow(
      'get option timeoutMs must be an integer in [1, 2147483647], got 0',
    );
    // The node's own error, rebuilt as the same class.
    await expect(client.get('nosuchgroup', 'Tom')).rejects.toThrow(UnknownGroupError);
    await expect(client.flush('nosuchgroup')).rejects.toThrow(UnknownGroupError);
  });

  it('bounds every call: a node that never answers costs deadlineMs, then timeoutMs ends the call', async () => {
    // One node behind a proxy that accepts connections and never answers.
    const target = cluster.nodes[0];
    const proxy = await TcpProxy.start('127.0.0.1', transport === 'grpc' ? target.grpcPort : target.httpPort);
    proxy.blackhole();
    const silent = new RingcacheClient({
      nodes: [{ name: target.name, grpc: proxy.address, http: proxy.address }],
      transport,
      deadlineMs: 400,
      timeoutMs: 1_500,
    });
    try {
      let started = performance.now();
      // Owner, then (as the only node) no next owner: the deadline ends it.
      await expect(silent.get('scores', 'Tom')).rejects.toThrow(UnavailableError);
      expect(performance.now() - started).toBeLessThan(1_400);
      started = performance.now();
      await expect(silent.set('scores', 'Tom', 'x', { timeoutMs: 150 })).rejects.toThrow(
        'set: no answer within 150 ms (timeoutMs)',
      );
      expect(performance.now() - started).toBeLessThan(1_150);
    } finally {
      await silent.close();
      await proxy.stop();
    }
  }, 15_000);

  it('close() releases the channels; calls after it reject with ClientClosedError', async () => {
    const other = new RingcacheClient({ nodes: nodesOf(cluster), transport });
    expect((await other.get('scores', 'Tom'))?.toString()).toBe('630');
    const closing = other.close();
    expect(other.close()).toBe(closing); // idempotent
    await closing;
    await expect(other.get('scores', 'Tom')).rejects.toThrow(ClientClosedError);
    await expect(other.get('scores', 'Tom')).rejects.toThrow('get: the ringcache client is closed');
    await expect(other.ready()).rejects.toThrow(ClientClosedError);
    expect(other.members()).toEqual([]);
  });

  it('answers through the next owner when the owner is killed; writes to it fail as unavailable', async () => {
    const victim = cluster.nodes[1];
    const keys = keysOwnedBy(client, 'scores', victim.name, 5);
    await victim.process.kill();
    const deadlineMs = 3_000;
    for (const key of keys) {
      const started = performance.now();
      expect(await client.get('scores', key)).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(deadlineMs + 1_000);
    }
    expect((await client.getMany('scores', keys)).every((v) => v === undefined)).toBe(true);
    expect(client.stats().fallbacks).toBeGreaterThanOrEqual(keys.length);
    // Three failed calls in a row: outlier detection skips the node, and says so.
    expect(client.nodeSkips()).toEqual([
      { peer: 'node2', skips: expect.any(Number), returns: 0, skipped: true },
    ]);
    expect(client.nodeSkips()[0].skips).toBeGreaterThanOrEqual(1);
    await expect(client.set('scores', keys[0], 'v')).rejects.toThrow(UnavailableError);
    await expect(client.set('scores', keys[0], 'v')).rejects.toThrow(
      `the owner of scores/${keys[0]} (node2) is unreachable`,
    );
    // A flush reaches the nodes that are up and names the one that is not.
    expect(await client.flush('scores')).toMatchObject({ nodes: 2, unreachable: ['node2'] });
  }, 30_000);
});

describe('RingcacheClient without a reachable node', () => {
  it('validates its options when it is created, naming the option', async () => {
    expect(() => new RingcacheClient({ nodes: [{ name: 'n', grpc: 'nowhere' }] })).toThrow(
      new InvalidArgumentError('RingcacheClient option nodes[0].grpc must be host:port, got "nowhere"'),
    );
    expect(
      () => new RingcacheClient({ nodes: [{ name: 'n', grpc: '127.0.0.1:1' }], transport: 'http' }),
    ).toThrow(
      new InvalidArgumentError(
        'RingcacheClient option nodes[0].http (node n) is required with transport http',
      ),
    );
    // The chosen transport's options are checked now, not when etcd first reports a node.
    const etcd = { endpoints: ['http://127.0.0.1:1'] };
    expect(() => new RingcacheClient({ etcd, grpc: { keepaliveTimeMs: -1 } })).toThrow(
      'RingcacheClient option grpc: GrpcPeerClient option keepaliveTimeMs must be a positive integer, got -1',
    );
    expect(() => new RingcacheClient({ etcd, transport: 'http', http: { maxSockets: 0 } })).toThrow(
      'RingcacheClient option http: HttpPeerClient option maxSockets must be a positive integer, got 0',
    );
    // ...and only the chosen transport's: the other's are never used.
    const node = { name: 'n', grpc: '127.0.0.1:1', http: '127.0.0.1:1' };
    await new RingcacheClient({ nodes: [node], transport: 'http', grpc: { keepaliveTimeMs: -1 } }).close();
    await new RingcacheClient({ nodes: [node], http: { maxSockets: 0 } }).close();
  });

  it.each(transports)('fails calls as unavailable, fast, when no node listens (%s)', async (transport) => {
    const address = `127.0.0.1:${await freePort()}`;
    const client = new RingcacheClient({
      nodes: [{ name: 'node1', grpc: address, http: address }],
      transport,
    });
    try {
      await client.ready();
      const started = performance.now();
      await expect(client.get('scores', 'Tom')).rejects.toThrow(/no owner of scores\/Tom answered/);
      await expect(client.delete('scores', 'Tom')).rejects.toThrow(UnavailableError);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      await client.close();
    }
  });
});
