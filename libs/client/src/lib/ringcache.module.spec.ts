import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { freePort, startCluster, type TestCluster } from '@ringcache/testing';

import { nodesOf } from '../test/support';
import type { RingcacheNode } from './client-options';
import { ClientClosedError, UnavailableError } from './errors';
import { RingcacheClient } from './ringcache-client';
import { RINGCACHE_CLIENT, RingcacheModule } from './ringcache.module';

/** An app service using the client, as users write them. */
@Injectable()
class ScoresService {
  constructor(@Inject(RingcacheClient) private readonly cache: RingcacheClient) {}

  async score(name: string): Promise<string | undefined> {
    return (await this.cache.get('scores', name))?.toString();
  }
}

const NODES = 'NODES';

/** Stands for an app's configuration module. */
@Module({})
class NodesConfigModule {
  static with(nodes: RingcacheNode[]) {
    return { module: NodesConfigModule, providers: [{ provide: NODES, useValue: nodes }], exports: [NODES] };
  }
}

describe('RingcacheModule', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 1, gateway: false });
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 30_000);

  it('forRoot provides a ready client under the class and the token, and closes it with the app', async () => {
    const app = await Test.createTestingModule({
      imports: [RingcacheModule.forRoot({ nodes: nodesOf(cluster) })],
      providers: [ScoresService],
    }).compile();
    await app.init();
    const client = app.get(RingcacheClient);
    expect(app.get(RINGCACHE_CLIENT)).toBe(client);
    expect(await app.get(ScoresService).score('Tom')).toBe('630');
    await app.close();
    await expect(client.get('scores', 'Tom')).rejects.toThrow(ClientClosedError);
  });

  it('forRootAsync builds the options from injected providers', async () => {
    const app = await Test.createTestingModule({
      imports: [
        RingcacheModule.forRootAsync({
          imports: [NodesConfigModule.with(nodesOf(cluster))],
          inject: [NODES],
          useFactory: (nodes: RingcacheNode[]) => ({ nodes, deadlineMs: 1_000 }),
        }),
      ],
      providers: [ScoresService],
    }).compile();
    await app.init();
    expect(await app.get(ScoresService).score('Jack')).toBe('589');
    await app.close();
  });

  it('fails the app at startup when no node can be found, closing the client', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    await expect(
      Test.createTestingModule({
        imports: [
          RingcacheModule.forRoot({
            etcd: { endpoints: [endpoint] },
            readyTimeoutMs: 300,
            logger: { log: () => undefined, warn: () => undefined },
          }),
        ],
      }).compile(),
    ).rejects.toThrow(UnavailableError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('reports invalid options at startup, naming the option', async () => {
    await expect(
      Test.createTestingModule({
        imports: [RingcacheModule.forRoot({ nodes: [], deadlineMs: 5 })],
      }).compile(),
    ).rejects.toThrow(
      'RingcacheClient option nodes must be a non-empty list of { name, grpc, http? }, got []',
    );
  });
});
