import { credentials, loadPackageDefinition, status, type ServiceError } from '@grpc/grpc-js';

import {
  loadRingcacheProto,
  type CacheClient,
  type GetResponse__Output,
  type ProtoGrpcType,
} from '@ringcache/proto';
import { EtcdCluster, eventually, startCluster, type TestCluster } from '@ringcache/testing';

import { recordingLogger } from '../test/support';
import {
  registerRingcacheResolver,
  ringcacheEtcdTarget,
  type RingcacheResolverRegistration,
} from './etcd-resolver';

const Cache = (loadPackageDefinition(loadRingcacheProto()) as unknown as ProtoGrpcType).ringcache.v1.Cache;
const ROUND_ROBIN = JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] });

/** One Get with a deadline, as any grpc-js user would call it. */
function get(client: CacheClient, key: string, deadlineMs = 3_000): Promise<GetResponse__Output> {
  return new Promise((resolve, reject) => {
    client.Get(
      { group: 'scores', key, ringVersion: '', hops: 0 },
      { deadline: Date.now() + deadlineMs },
      (error: ServiceError | null, answer?: GetResponse__Output) =>
        error ? reject(error) : resolve(answer as GetResponse__Output),
    );
  });
}

/** A plain grpc-js client of ringcache.v1.Cache, finding the nodes through the ringcache-etcd resolver. */
describe('ringcache-etcd:/// name resolver', () => {
  let etcd: EtcdCluster;
  let cluster: TestCluster;
  let registration: RingcacheResolverRegistration;
  const logger = recordingLogger();
  const clients: CacheClient[] = [];

  /** A channel to `target`, closed after the suite. */
  function channel(target: string, options: Record<string, string | number> = {}): CacheClient {
    const client = new Cache(target, credentials.createInsecure(), options);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
    cluster = await startCluster({
      nodes: 2,
      gateway: false,
      etcd: { endpoints: etcd.endpoints, cluster: 'plain' },
    });
    registration = registerRingcacheResolver({ endpoints: etcd.endpoints, logger });
  }, 90_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await registration?.close();
    await cluster?.stop();
    await etcd?.stop();
  }, 30_000);

  it('lets a plain grpc-js client reach a node by the cluster name', async () => {
    const client = channel(ringcacheEtcdTarget('plain'));
    expect(ringcacheEtcdTarget('plain')).toBe('ringcache-etcd:///plain');
    const answer = await get(client, 'Tom', 10_000);
    expect(answer.found).toBe(true);
    expect(answer.value.toString()).toBe('630');
    expect(registration.activeWatches).toBe(1);
  }, 20_000);

  it('follows joins: with round_robin, calls spread over every registered node', async () => {
    const client = channel(ringcacheEtcdTarget('plain'), { 'grpc.service_config': ROUND_ROBIN });
    await get(client, 'Tom', 10_000);
    const node3 = await cluster.addNode('node3');
    const requests = async () => {
      const text = await fetch(`${node3.url}/metrics`).then((r) => r.text());
      return Number(/^ringcache_peer_requests_total\{hops="0"\} (\d+)/m.exec(text)?.[1] ?? 0);
    };
    await eventually(
      'a call through the resolver reaching node3',
      async () => {
        await Promise.all(Array.from({ length: 6 }, (_, i) => get(client, `spread-${i}`)));
        return (await requests()) > 0;
      },
      15_000,
    );
  }, 40_000);

  it('fails calls fast with UNAVAILABLE, saying why, for a cluster with no node', async () => {
    const client = channel(ringcacheEtcdTarget('nobody-here'));
    const error = (await get(client, 'Tom', 5_000).catch((e: ServiceError) => e)) as ServiceError;
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.details).toContain('no ringcache node is registered under ringcache/nobody-here/cache/');
  }, 10_000);

  it('refuses a target that names no valid cluster when the channel is created', () => {
    expect(() => channel('ringcache-etcd:///Not_Valid')).toThrow(
      /needs a cluster name of 1 to 63 of a-z 0-9 -/,
    );
    expect(() => channel('ringcache-etcd://etcd:2379/plain')).toThrow(/targets take no authority/);
  });

  it('closes its etcd watch when the last channel using it closes', async () => {
    for (const client of clients.splice(0)) client.close();
    await eventually('no watch left', () => registration.activeWatches === 0, 5_000);
    // A new channel opens a new watch on demand.
    const client = channel(ringcacheEtcdTarget('plain'));
    expect((await get(client, 'Jack', 10_000)).value.toString()).toBe('589');
    expect(registration.activeWatches).toBe(1);
  }, 20_000);
});
