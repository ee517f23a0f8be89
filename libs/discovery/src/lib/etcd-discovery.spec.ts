import type { Etcd3 } from 'etcd3';

import type { Member } from '@ringcache/cache-core';
import { EtcdCluster, eventually, sleep, TcpProxy } from '@ringcache/testing';

import { decodeEndpoint, encodeEndpoint } from './endpoint-value';
import { createEtcdClient } from './etcd-client';
import { EtcdKeys } from './etcd-keys';
import { EtcdMembership } from './etcd-membership';
import { etcdReadiness, pingEtcd } from './etcd-probe';
import { DuplicateNodeNameError, EtcdRegistration } from './etcd-registration';

const quiet = { log: () => undefined, warn: () => undefined };
const member = (name: string, port: number): Member => ({
  name,
  grpcAddress: `127.0.0.1:${port}`,
  httpAddress: `127.0.0.1:${port + 100}`,
});

describe('etcd discovery on a real etcd', () => {
  let etcd: EtcdCluster;
  let client: Etcd3;
  const clients: Etcd3[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
    client = createEtcdClient({ endpoints: etcd.endpoints, dialTimeoutMs: 2_000 });
  }, 30_000);

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    client?.close();
    for (const c of clients) c.close();
    await etcd?.stop();
  });

  /** A registration with its own client (as each node has), stopped after the test. */
  async function register(
    keys: EtcdKeys,
    self: Member,
    leaseTtlSeconds = 5,
    onLapse?: (reason: string) => void,
  ): Promise<EtcdRegistration> {
    const own = createEtcdClient({ endpoints: etcd.endpoints, dialTimeoutMs: 2_000 });
    clients.push(own);
    const registration = new EtcdRegistration({
      client: own,
      keys,
      self,
      leaseTtlSeconds,
      version: 'test',
      logger: quiet,
      onLapse,
    });
    await registration.start();
    cleanups.push(() => registration.stop());
    return registration;
  }

  async function watch(prefix: string, warnings: string[] = []): Promise<EtcdMembership> {
    const membership = new EtcdMembership({
      client,
      prefix,
      logger: { log: () => undefined, warn: (m) => warnings.push(m) },
    });
    await membership.start();
    cleanups.push(() => membership.stop());
    return membership;
  }

  it('registers both service names under one lease, in the naming/endpoints JSON shape', async () => {
    const keys = new EtcdKeys('shape');
    await register(keys, member('node1', 18001));
    const value = JSON.parse((await client.get(keys.node('node1', '127.0.0.1:18001')).string()) as string);
    expect(value).toEqual({
      Addr: '127.0.0.1:18001',
      Metadata: {
        nodeName: 'node1',
        grpc: '127.0.0.1:18001',
        http: '127.0.0.1:18101',
        version: 'test',
        startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    });
    expect(await client.get(keys.cache('127.0.0.1:18001')).string()).toBe(JSON.stringify(value));
  });

  it('shows joins and leaves to watchers of both prefixes, and drops a revoked node at once', async () => {
    const keys = new EtcdKeys('joins');
    const nodes = await watch(keys.nodes);
    const gateways = await watch(keys.caches);
    await register(keys, member('node1', 18001));
    const second = await register(keys, member('node2', 18002));
    await eventually(
      'both members seen',
      () => nodes.members().length === 2 && gateways.members().length === 2,
    );
    expect(nodes.members()).toEqual([
      { ...member('node1', 18001), metadata: { version: 'test', startedAt: expect.any(String) } },
      { ...member('node2', 18002), metadata: { version: 'test', startedAt: expect.any(String) } },
    ]);
    const revoked = Date.now();
    await second.stop();
    await eventually(
      'node2 gone',
      () => nodes.members().length === 1 && gateways.members().length === 1,
      4_000,
    );
    // Well before the 5 s lease could run out: the revocation, not the expiry, removed it.
    expect(Date.now() - revoked).toBeLessThan(2_500);
  });

  it('coalesces a burst of registrations into one change', async () => {
    const keys = new EtcdKeys('burst');
    const membership = await watch(keys.nodes);
    let changes = 0;
    membership.onChange(() => changes++);
    // 30 keys in one transaction arrive as one watch response.
    const puts = Array.from({ length: 30 }, (_, i) =>
      client
        .put(keys.node(`n${i}`, `127.0.0.1:${20000 + i}`))
        .value(encodeEndpoint(member(`n${i}`, 20000 + i), 't')),
    );
    const batch = client.if(`${keys.root}sentinel`, 'Version', '==', 0).then(...puts);
    await batch.commit();
    await eventually('30 members', () => membership.members().length === 30);
    await sleep(100);
    expect(changes).toBe(1);
  });

  it('logs and ignores a value that is not a registration, without stopping the watch', async () => {
    const keys = new EtcdKeys('garbage');
    const warnings: string[] = [];
    const membership = await watch(keys.nodes, warnings);
    await client.put(keys.node('bad', '127.0.0.1:1')).value('{not json');
    await client.put(keys.node('worse', '127.0.0.1:2')).value('{"Addr":"x","Metadata":{"nodeName":"a b"}}');
    await register(keys, member('good', 18005));
    await eventually('good member seen', () => membership.members().length === 1);
    expect(membership.members()[0].name).toBe('good');
    expect(warnings.join('\n')).toMatch(/ignoring .*bad.*not JSON/);
    expect(warnings.join('\n')).toMatch(/ignoring .*worse.*nodeName/);
    expect(membership.state).toBe('watching');
  });

  it('keeps clusters that share one etcd apart', async () => {
    const blue = new EtcdKeys('blue');
    const green = new EtcdKeys('green');
    const blueNodes = await watch(blue.nodes);
    const greenNodes = await watch(green.nodes);
    await register(blue, member('node1', 18011));
    await register(green, member('node1', 18021));
    await eventually(
      'each sees its own',
      () => blueNodes.members().length === 1 && greenNodes.members().length === 1,
    );
    expect(blueNodes.members()[0].grpcAddress).toBe('127.0.0.1:18011');
    expect(greenNodes.members()[0].grpcAddress).toBe('127.0.0.1:18021');
  });

  it('refuses a second node with a name already registered at another address', async () => {
    const keys = new EtcdKeys('dupes');
    await register(keys, member('node1', 18031));
    await expect(register(keys, member('node1', 18032))).rejects.toThrow(
      new DuplicateNodeNameError('node1', '127.0.0.1:18031'),
    );
    // The same node restarting within its lease (same address) takes its old registration over.
    await expect(register(keys, member('node1', 18031))).resolves.toBeInstanceOf(EtcdRegistration);
  });

  it('registers again by itself when its keys are deleted while it runs, saying so before it does', async () => {
    const keys = new EtcdKeys('renew');
    const membership = await watch(keys.nodes);
    // Registrations made when each lapse was announced: the node hears of it before it is back.
    const lapses: number[] = [];
    const registration = await register(keys, member('node1', 18041), 5, () =>
      lapses.push(registration.count),
    );
    membership.onChange((members) => {
      if (!members.some((m) => m.name === 'node1')) registration.renew('missing from the member list');
    });
    await eventually('registered', () => membership.members().length === 1);
    expect(lapses).toEqual([]);
    await client.delete().prefix(keys.root);
    await eventually('back', () => membership.members().length === 1 && registration.count === 2, 5_000);
    // Once when the lapse was seen, once right before the new registration was written.
    expect(lapses).toEqual([1, 1]);
  }, 20_000);

  it('keeps its members while etcd is unreachable, and re-reads the prefix after a compaction it missed', async () => {
    const keys = new EtcdKeys('compact');
    // The watcher reaches etcd through a proxy the test can cut; everyone else goes direct.
    const proxy = await TcpProxy.start(`127.0.0.1:${etcd.members[0].clientPort}`);
    const behind = createEtcdClient({ endpoints: [`http://${proxy.address}`], dialTimeoutMs: 1_000 });
    const membership = new EtcdMembership({ client: behind, prefix: keys.nodes, logger: quiet });
    cleanups.push(async () => {
      await membership.stop();
      behind.close();
      await proxy.stop();
    });
    await membership.start();
    await register(keys, member('node1', 18051));
    await eventually('node1', () => membership.members().length === 1);

    await proxy.stop();
    await register(keys, member('node2', 18052));
    for (let i = 0; i < 5; i++) await client.put(`${keys.root}noise`).value(String(i));
    const revision = (await client.get(`${keys.root}noise`).exec()).header.revision;
    await client.kv.compact({ revision, physical: true });
    await sleep(300);
    expect(membership.members().map((m) => m.name)).toEqual(['node1']);

    await proxy.restart();
    await eventually('node2 after the compaction', () => membership.members().length === 2, 15_000);
    expect(membership.resyncCount).toBeGreaterThan(0);
    // The members come from the re-read; the watch resumes right after it.
    await eventually('watching again', () => membership.state === 'watching');
  }, 40_000);

  it('answers pingEtcd while etcd answers, and fails it within its timeout when etcd hangs', async () => {
    const keys = new EtcdKeys('ping');
    await expect(pingEtcd({ client, keys })).resolves.toBeUndefined();
    const proxy = await TcpProxy.start(`127.0.0.1:${etcd.members[0].clientPort}`);
    const own = createEtcdClient({ endpoints: [`http://${proxy.address}`], dialTimeoutMs: 500 });
    clients.push(own);
    try {
      await expect(pingEtcd({ client: own, keys })).resolves.toBeUndefined();
      proxy.blackhole();
      const started = Date.now();
      await expect(pingEtcd({ client: own, keys }, 300)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await proxy.stop();
    }
  });

  it('reports etcd unreachable as ready while there is a ring to serve on, and not ready without one', async () => {
    const keys = new EtcdKeys('ready');
    const watch = () => 'watching';
    expect(await etcdReadiness({ client, keys }, watch, () => false)).toEqual({
      up: true,
      reachable: true,
      watch: 'watching',
    });
    const proxy = await TcpProxy.start(`127.0.0.1:${etcd.members[0].clientPort}`);
    const own = createEtcdClient({ endpoints: [`http://${proxy.address}`], dialTimeoutMs: 500 });
    clients.push(own);
    try {
      proxy.blackhole();
      const serving = await etcdReadiness({ client: own, keys }, watch, () => true, 300);
      expect(serving).toMatchObject({ up: true, reachable: false });
      expect(serving.message).toMatch(/^etcd unreachable \(.+\): serving on the last ring$/);
      const ringless = await etcdReadiness({ client: own, keys }, watch, () => false, 300);
      expect(ringless).toMatchObject({ up: false, reachable: false });
      expect(ringless.message).toMatch(/^etcd unreachable \(.+\)$/);
    } finally {
      await proxy.stop();
    }
  });

  it('decodes what it encodes, and rejects bad addresses', () => {
    const m = { ...member('n1', 1234), metadata: { zone: 'a' } };
    expect(decodeEndpoint(encodeEndpoint(m, 'v9'))).toEqual({ ...m, metadata: { zone: 'a', version: 'v9' } });
    expect(() =>
      decodeEndpoint('{"Addr":"x","Metadata":{"nodeName":"n","grpc":"nohost","http":"h:1"}}'),
    ).toThrow('bad Metadata.grpc');
    expect(() => decodeEndpoint('null')).toThrow(/not an endpoint value/);
  });
});
