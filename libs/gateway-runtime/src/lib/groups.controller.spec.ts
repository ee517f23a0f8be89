import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { listeningPort, startHttpApp } from '@ringcache/app-shell';
import {
  ClusterStats,
  found,
  Group,
  GroupRegistry,
  loaderFn,
  PeerService,
  PeerUnavailableError,
  type Member,
  type NodeStatsSource,
} from '@ringcache/cache-core';

import { GatewayExceptionFilter } from './gateway-exception.filter';
import { GroupsController } from './groups.controller';

/** Nodes answering from real PeerServices in this process; a node in `down` does not answer. */
class InProcessNodes implements NodeStatsSource {
  readonly down = new Set<string>();
  constructor(readonly services: Map<string, PeerService>) {}
  async groupStats(member: Member) {
    return this.service(member).groupStats();
  }
  async hotKeys(member: Member, request: { group: string; limit: number }) {
    return this.service(member).hotKeys(request);
  }
  private service(member: Member): PeerService {
    if (this.down.has(member.name))
      throw new PeerUnavailableError(member.name, 'Stats', 'connection refused');
    return this.services.get(member.name) as PeerService;
  }
}

function node(): PeerService {
  const groups = new GroupRegistry();
  // A clock that stands still: counts do not decay while the test runs.
  const now = () => 1_000_000;
  const loader = loaderFn(async (k) => found(`v-${k}`));
  groups.add(new Group({ name: 'scores', maxBytes: 1 << 20, loader, now }));
  return new PeerService(groups);
}

describe('GroupsController over HTTP', () => {
  const nodes = new InProcessNodes(
    new Map([
      ['node1', node()],
      ['node2', node()],
    ]),
  );
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    const stats = new ClusterStats({
      members: () => [...nodes.services.keys()].map((name) => ({ name, grpcAddress: '', httpAddress: '' })),
      source: nodes,
      deadlineMs: 100,
    });
    @Module({
      controllers: [GroupsController],
      providers: [
        { provide: ClusterStats, useValue: stats },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
      ],
    })
    class TestGateway {}
    app = await startHttpApp(TestGateway, {
      name: 'groups-test',
      port: 0,
      handleSignals: false,
      logLevel: 'error',
    });
    base = `http://127.0.0.1:${listeningPort(app)}/api/v1/groups`;
    const [one, two] = nodes.services.values();
    for (let i = 0; i < 7; i++) await one.get({ group: 'scores', key: 'Tom', hops: 0, ringVersion: '' });
    await two.get({ group: 'scores', key: 'Sam', hops: 0, ringVersion: '' });
    await two.get({ group: 'scores', key: 'Tom', hops: 0, ringVersion: '' });
  });

  afterEach(() => nodes.down.clear());
  afterAll(() => app?.close());

  async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('sums the groups over the nodes that answer, naming those that do not', async () => {
    nodes.down.add('node2');
    const { status, body } = await get('');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      groups: [
        { name: 'scores', nodes: 1, gets: { total: 7, hits: 6, misses: 1 }, loads: { ok: 1 }, items: 1 },
      ],
      nodes: {
        asked: 2,
        answered: 1,
        failed: [{ node: 'node2', error: 'Stats on peer node2 failed: connection refused' }],
      },
    });
  });

  it('merges the hot keys of every node, rounded', async () => {
    const { status, body } = await get('/scores/hot');
    expect(status).toBe(200);
    expect(body['nodes']).toEqual({ asked: 2, answered: 2, failed: [] });
    const keys = body['keys'] as { key: string; count: number; rate: number; error: number }[];
    expect(keys.map((k) => k.key)).toEqual(['Tom', 'Sam']);
    expect(keys[0]).toEqual({ key: 'Tom', count: 8, rate: 0.1333, error: 0 });
    expect((await get('/scores/hot?limit=1')).body['keys']).toHaveLength(1);
  });

  it.each([
    ['/scores/hot?limit=abc', 400, 'invalid_argument', 'limit must be an integer from 1 to 100, got "abc"'],
    ['/scores/hot?limit=0', 400, 'invalid_argument', 'limit must be an integer from 1 to 100, got "0"'],
    ['/scores/hot?limit=101', 400, 'invalid_argument', 'limit must be an integer from 1 to 100, got "101"'],
    ['/scores/hot?limit=1&limit=2', 400, 'invalid_argument', 'query parameter limit must be given once'],
    ['/nope/hot', 404, 'unknown_group', 'unknown group "nope"'],
  ])('GET %s → %d %s', async (path, status, code, message) => {
    expect(await get(path)).toEqual({ status, body: { code, message } });
  });

  it('answers 503 when no node answers', async () => {
    nodes.down.add('node1').add('node2');
    for (const path of ['', '/scores/hot']) {
      const { status, body } = await get(path);
      expect(status).toBe(503);
      expect(body['code']).toBe('unavailable');
    }
  });
});
