import { credentials, loadPackageDefinition, Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { Client, ServiceError } from '@grpc/grpc-js';

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
import { loadRingcacheProto, type CacheHandlers, type ProtoGrpcType } from '@ringcache/proto';
import { freePort } from '@ringcache/testing';

import { FakePeerHandler } from '../test/fake-peer-handler';
import { rawCacheClient } from '../test/raw-cache-client';
import { startTestNode, type TestNode } from '../test/test-node';
import { GrpcNodeStatsClient } from './grpc-node-stats-client';
import { RINGCACHE_CODE_METADATA } from './grpc-status';

const call = { deadlineMs: 5_000 };

/** Calls `method` of `client` with `request` (raw bytes for a raw client); resolves with the error. */
function failureOf(client: Client, method: string, request: unknown): Promise<ServiceError | null> {
  type Unary = (r: unknown, done: (e: ServiceError | null) => void) => void;
  const unary = (client as unknown as Record<string, Unary>)[method];
  return new Promise((resolve) => unary.call(client, request, (error) => resolve(error)));
}

describe('Stats and HotKeys over gRPC (the service and GrpcNodeStatsClient)', () => {
  let service: PeerService;
  let node: TestNode;
  let member: Member;
  let client: GrpcNodeStatsClient;

  beforeAll(async () => {
    const groups = new GroupRegistry();
    const loader = loaderFn(async (k) => found(`v-${k}`));
    // A clock that stands still: counts do not decay while the test runs.
    const now = () => 1_000_000;
    for (const name of ['scores', 'blobs']) groups.add(new Group({ name, maxBytes: 1 << 20, loader, now }));
    service = new PeerService(groups);
    node = await startTestNode(service);
    member = { name: 'node1', grpcAddress: node.grpcAddress, httpAddress: '127.0.0.1:1' };
    for (const key of ['Tom', 'Tom', 'Tom', 'Sam']) {
      await service.get({ group: 'scores', key, hops: 0, ringVersion: '' });
    }
  });
  beforeEach(() => {
    client = new GrpcNodeStatsClient();
  });
  afterEach(() => client.close());
  afterAll(() => node.close());

  it("answers every group's counters, as the HTTP :stats route does", async () => {
    const { groups } = await client.groupStats(member, call);
    expect(groups.map((g) => g.name)).toEqual(['blobs', 'scores']);
    expect(groups[1].stats.gets).toMatchObject({ load: 2, hit: 2 });
    expect(groups[1].stats.main.items).toBe(2);
    expect(groups[1]).toEqual({ name: 'scores', stats: (await service.groupStats()).groups[1].stats });
  });

  it("answers a group's hot keys, at most `limit`", async () => {
    const { keys } = await client.hotKeys(member, { group: 'scores', limit: 1 }, call);
    expect(keys).toEqual([{ key: 'Tom', count: 3, rate: 3 / 60, error: 0 }]);
    expect((await client.hotKeys(member, { group: 'scores', limit: 100 }, call)).keys).toHaveLength(2);
  });

  it('rejects an unknown group, an empty one and a limit out of 1..100 with typed errors', async () => {
    const hot = (group: string, limit: number) => client.hotKeys(member, { group, limit }, call);
    await expect(hot('nope', 5)).rejects.toBeInstanceOf(UnknownGroupError);
    await expect(hot('', 5)).rejects.toThrow(new InvalidArgumentError('group must be a non-empty string'));
    for (const limit of [0, 101]) {
      await expect(hot('scores', limit)).rejects.toThrow(
        new InvalidArgumentError(`limit must be an integer from 1 to 100, got ${limit}`),
      );
    }
  });

  it('answers bad input INVALID_ARGUMENT with the ringcache code in the trailers, malformed bytes too', async () => {
    const proto = loadPackageDefinition(loadRingcacheProto()) as unknown as ProtoGrpcType;
    const typed = new proto.ringcache.v1.Cache(node.grpcAddress, credentials.createInsecure());
    const raw = rawCacheClient(node.grpcAddress, ['HotKeys']);
    try {
      const errors = [
        await failureOf(typed, 'HotKeys', { group: 'scores', limit: 0 }),
        await failureOf(typed, 'HotKeys', { group: '', limit: 1 }),
        await failureOf(raw, 'HotKeys', Buffer.from([0xff, 0xff, 0xff])),
      ];
      for (const error of errors) {
        expect(error?.code).toBe(status.INVALID_ARGUMENT);
        expect(error?.metadata.get(RINGCACHE_CODE_METADATA)).toEqual(['invalid_argument']);
      }
      expect(errors[2]?.details).toMatch(/^malformed HotKeysRequest/);
    } finally {
      typed.close();
      raw.close();
    }
  });

  it('answers UNIMPLEMENTED from a node whose handler keeps no statistics', async () => {
    const bare = await startTestNode(new FakePeerHandler());
    try {
      const old = { ...member, grpcAddress: bare.grpcAddress };
      await expect(client.groupStats(old, call)).rejects.toBeInstanceOf(UnimplementedError);
      await expect(client.hotKeys(old, { group: 'scores', limit: 1 }, call)).rejects.toBeInstanceOf(
        UnimplementedError,
      );
    } finally {
      await bare.close();
    }
  });

  it('refuses answers that are not of the documented shape, naming the call and the node', async () => {
    const proto = loadPackageDefinition(loadRingcacheProto()) as unknown as ProtoGrpcType;
    const server = new Server();
    server.addService(proto.ringcache.v1.Cache.service, {
      Stats: (_call, done) => done(null, { json: '{"groups":[{"name":"scores"}]}' }),
      HotKeys: (_call, done) => done(null, { keys: [{ key: 'Tom', count: Infinity, rate: 0, error: 0 }] }),
    } as Partial<CacheHandlers> as CacheHandlers);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    try {
      const odd = { ...member, name: 'odd', grpcAddress: `127.0.0.1:${port}` };
      await expect(client.groupStats(odd, call)).rejects.toThrow('Stats on peer odd: malformed answer');
      await expect(client.hotKeys(odd, { group: 'scores', limit: 1 }, call)).rejects.toThrow(
        'HotKeys on peer odd: malformed answer',
      );
    } finally {
      server.forceShutdown();
    }
  });

  it('fails as unavailable when the member does not answer, and once closed', async () => {
    const gone = { ...member, name: 'gone', grpcAddress: `127.0.0.1:${await freePort()}` };
    const error = await client.groupStats(gone, { deadlineMs: 1_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeerUnavailableError);
    expect((error as Error).message).toContain('gone');
    await client.close();
    await expect(client.groupStats(member, call)).rejects.toThrow('client is closed');
    expect(client.openChannels).toBe(0);
  });

  it('keeps one channel per member, closing the least recently asked past maxChannels', async () => {
    const capped = new GrpcNodeStatsClient({ maxChannels: 2 });
    try {
      const as = (name: string) => ({ ...member, name });
      await capped.groupStats(as('a'), call);
      await capped.groupStats(as('b'), call);
      await capped.groupStats(as('a'), call);
      expect(capped.openChannels).toBe(2);
      // c takes b's channel (a was asked more recently); every question is still answered.
      await capped.groupStats(as('c'), call);
      expect(capped.openChannels).toBe(2);
      for (const name of ['a', 'b', 'c'])
        await expect(capped.groupStats(as(name), call)).resolves.toBeDefined();
    } finally {
      await capped.close();
    }
  });

  it('checks its options when built', () => {
    expect(() => new GrpcNodeStatsClient({ maxChannels: 0 })).toThrow(
      'GrpcNodeStatsClient option maxChannels must be a positive integer, got 0',
    );
    expect(() => new GrpcNodeStatsClient({ channel: { keepaliveTimeMs: -1 } })).toThrow(
      'GrpcPeerClient option keepaliveTimeMs must be a positive integer, got -1',
    );
  });
});
