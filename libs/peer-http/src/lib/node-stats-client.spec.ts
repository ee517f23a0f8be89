import {
  found,
  Group,
  GroupRegistry,
  InvalidArgumentError,
  loaderFn,
  PeerService,
  PeerUnavailableError,
  UnimplementedError,
  UnknownGroupError,
  type Member,
} from '@ringcache/cache-core';
import { freePort } from '@ringcache/testing';

import { FakePeerHandler } from '../testing/fake-peer-handler';
import { startPeerApp, type PeerApp } from '../testing/start-peer-app';
import { NodeStatsClient } from './node-stats-client';

const call = { deadlineMs: 5_000 };

describe('node statistics over HTTP (:stats, <group>:hot)', () => {
  let service: PeerService;
  let peer: PeerApp;
  let member: Member;
  let client: NodeStatsClient;

  beforeAll(async () => {
    const groups = new GroupRegistry();
    const loader = loaderFn(async (k) => found(`v-${k}`));
    // A clock that stands still: counts do not decay while the test runs.
    const now = () => 1_000_000;
    for (const name of ['scores', 'blobs']) groups.add(new Group({ name, maxBytes: 1 << 20, loader, now }));
    service = new PeerService(groups);
    peer = await startPeerApp(service);
    member = { name: 'node1', grpcAddress: '127.0.0.1:1', httpAddress: peer.address };
    for (const key of ['Tom', 'Tom', 'Tom', 'Sam']) {
      await service.get({ group: 'scores', key, hops: 0, ringVersion: '' });
    }
  });
  beforeEach(() => {
    client = new NodeStatsClient();
  });
  afterEach(() => client.close());
  afterAll(() => peer.close());

  it("answers every group's counters", async () => {
    const { groups } = await client.groupStats(member, call);
    expect(groups.map((g) => g.name)).toEqual(['blobs', 'scores']);
    expect(groups[1].stats.gets).toMatchObject({ load: 2, hit: 2 });
    expect(groups[1].stats.main.items).toBe(2);
  });

  it("answers a group's hot keys, at most `limit`", async () => {
    const { keys } = await client.hotKeys(member, { group: 'scores', limit: 1 }, call);
    expect(keys).toHaveLength(1);
    expect(keys).toEqual([{ key: 'Tom', count: 3, rate: 3 / 60, error: 0 }]);
  });

  it('rejects an unknown group and a bad limit with typed errors', async () => {
    await expect(client.hotKeys(member, { group: 'nope', limit: 5 }, call)).rejects.toBeInstanceOf(
      UnknownGroupError,
    );
    await expect(client.hotKeys(member, { group: 'scores', limit: 0 }, call)).rejects.toThrow(
      new InvalidArgumentError('limit must be an integer from 1 to 100, got 0'),
    );
  });

  it.each([
    ['/_ringcache/scores:hot', 200],
    ['/_ringcache/scores:hot?limit=abc', 400],
    ['/_ringcache/scores:hot?limit=101', 400],
    ['/_ringcache/nope:hot', 404],
    ['/_ringcache/:stats', 200],
    ['/_ringcache/:hot', 400],
    ['/_ringcache/scores:batchGet', 400],
    ['/_ringcache/scores/Tom', 200],
  ])('GET %s → %d', async (path, status) => {
    const res = await fetch(`${peer.baseUrl}${path}`);
    expect(res.status).toBe(status);
    if (status !== 200) expect(await res.json()).toHaveProperty('code');
  });

  it('answers 501 from a node whose handler keeps no statistics', async () => {
    const bare = await startPeerApp(new FakePeerHandler());
    try {
      const old = { ...member, httpAddress: bare.address };
      await expect(client.groupStats(old, call)).rejects.toBeInstanceOf(UnimplementedError);
      await expect(client.hotKeys(old, { group: 'scores', limit: 1 }, call)).rejects.toBeInstanceOf(
        UnimplementedError,
      );
    } finally {
      await bare.close();
    }
  });

  it('fails as unavailable when the node does not answer', async () => {
    const gone = { ...member, httpAddress: `127.0.0.1:${await freePort()}` };
    await expect(client.groupStats(gone, { deadlineMs: 1_000 })).rejects.toBeInstanceOf(PeerUnavailableError);
    await client.close();
    await expect(client.groupStats(member, call)).rejects.toThrow('client is closed');
  });
});
