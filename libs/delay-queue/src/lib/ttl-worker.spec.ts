import type { Etcd3 } from 'etcd3';

import {
  PeerUnavailableError,
  type ExpiredKey,
  type ExpireRequest,
  type ExpireResponse,
  type PeerClient,
} from '@ringcache/cache-core';
import { createEtcdClient, EtcdKeys } from '@ringcache/discovery';
import { EtcdCluster, eventually, sleep, TcpProxy } from '@ringcache/testing';

import { EtcdDelayQueue } from './etcd-delay-queue';
import { TtlKeys } from './ttl-keys';
import { TtlWorker, type TtlWorkerOptions } from './ttl-worker';
import { decodeTtlBatch, encodeTtlRecord } from './ttl-record';

/** Set RINGCACHE_REPORT=1 to print the numbers these tests measure. */
const report = (line: string) => process.env['RINGCACHE_REPORT'] && console.log(line);

/** A cache node as the worker sees it: records every Expire call, or fails them all. */
class FakeNode implements PeerClient {
  readonly calls: { at: number; keys: ExpiredKey[] }[] = [];
  failing = false;

  constructor(readonly name: string) {}

  /** Every key received, by `group/key`, with its announced expiry and when it arrived. */
  received(): Map<string, { expireAtMs: number; at: number }> {
    const all = new Map<string, { expireAtMs: number; at: number }>();
    for (const call of this.calls) {
      for (const k of call.keys) all.set(`${k.group}/${k.key}`, { expireAtMs: k.expireAtMs, at: call.at });
    }
    return all;
  }

  async expire(request: ExpireRequest): Promise<ExpireResponse> {
    if (this.failing) throw new PeerUnavailableError(this.name, 'Expire', 'connection refused');
    this.calls.push({ at: Date.now(), keys: request.keys });
    return { removed: request.keys.length, scheduled: 0 };
  }

  get = unused;
  getMany = unused;
  set = unused;
  delete = unused;
  setMany = unused;
  deleteMany = unused;
  flush = unused;
  close = async () => undefined;
}

function unused(): Promise<never> {
  return Promise.reject(new Error('unused'));
}

describe('TtlWorker on a real etcd', () => {
  let etcd: EtcdCluster;
  let client: Etcd3;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
    client = createEtcdClient({ endpoints: etcd.endpoints, dialTimeoutMs: 2_000 });
  }, 30_000);

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    client?.close();
    await etcd?.stop();
  });

  /** A worker with a client of its own (as each worker process has), optionally behind a proxy. */
  function worker(
    cluster: string,
    name: string,
    nodes: FakeNode[],
    options: Partial<TtlWorkerOptions> & { endpoint?: string } = {},
  ): { worker: TtlWorker; logs: string[] } {
    const own = createEtcdClient({
      endpoints: [options.endpoint ?? etcd.endpoints[0]],
      dialTimeoutMs: 1_000,
      callTimeoutMs: 1_000,
    });
    const logs: string[] = [];
    const w = new TtlWorker({
      client: own,
      keys: new EtcdKeys(cluster),
      name,
      peers: () => nodes,
      logger: { log: (m) => logs.push(m), warn: (m) => logs.push(`WARN ${m}`) },
      leaseTtlSeconds: 2,
      retryMs: 200,
      ...options,
    });
    cleanups.push(async () => {
      await w.stop();
      own.close();
    });
    w.start();
    return { worker: w, logs };
  }

  /** A node's delay queue, writing straight to etcd. */
  function queue(cluster: string): EtcdDelayQueue {
    const q = new EtcdDelayQueue({
      client,
      keys: new EtcdKeys(cluster),
      owner: 'node1',
      logger: { log: () => undefined, warn: () => undefined },
    });
    cleanups.push(() => q.stop());
    return q;
  }

  /** Schedules `n` keys due `inMs` from now (spread over 300 ms) and returns their expiries. */
  async function scheduleKeys(
    q: EtcdDelayQueue,
    prefix: string,
    n: number,
    inMs: number,
  ): Promise<Map<string, number>> {
    const due = new Map<string, number>();
    const base = Date.now() + inMs;
    for (let i = 0; i < n; i++) {
      const expireAtMs = base + (i % 300);
      q.schedule('scores', `${prefix}${i}`, expireAtMs);
      due.set(`scores/${prefix}${i}`, expireAtMs);
    }
    await q.flush();
    return due;
  }

  /** Asserts `node` received exactly the keys of `due`, with their expiries; returns the lateness in ms. */
  function expectDelivered(node: FakeNode, due: Map<string, number>): number[] {
    const received = node.received();
    const lateness: number[] = [];
    for (const [key, expireAtMs] of due) {
      expect(received.get(key)?.expireAtMs).toBe(expireAtMs);
      lateness.push((received.get(key)?.at as number) - expireAtMs);
    }
    return lateness;
  }

  const deliveredAll = (nodes: FakeNode[], due: Map<string, number>) => () =>
    nodes.every((node) => [...due.keys()].every((key) => node.received().has(key)));

  it('as leader, sends every expired key with its expiry to every node, in batches', async () => {
    const cluster = 'w-basic';
    const nodes = [new FakeNode('node1'), new FakeNode('node2'), new FakeNode('node3')];
    const { worker: w } = worker(cluster, 'w1', nodes);
    await eventually('leading and watching', () => w.role === 'leader' && w.settled(), 10_000);
    const due = await scheduleKeys(queue(cluster), 'k', 1_500, 3_000);

    await eventually('every node has every key', deliveredAll(nodes, due), 10_000);
    for (const node of nodes) {
      const lateness = expectDelivered(node, due);
      // Buckets close before their second: the keys reach the nodes before they are due, or just after.
      expect(Math.max(...lateness)).toBeLessThan(1_000);
      expect(node.calls.length).toBeLessThanOrEqual(6);
      expect(Math.max(...node.calls.map((c) => c.keys.length))).toBeLessThanOrEqual(1_000);
      report(
        `${node.name}: ${node.calls.length} calls; arrival − expiry: min ${Math.min(...lateness)} max ${Math.max(...lateness)} ms`,
      );
    }
    const stats = w.stats();
    expect(stats).toMatchObject({
      role: 'leader',
      leader: 'w1',
      terms: 1,
      expiredKeys: 1_500,
      expireCalls: { failed: 0 },
    });
    expect(stats.batches.ok).toBe(nodes[0].calls.length);
    // The handled revision is stored for the next leader.
    await eventually('revision stored', async () => {
      const stored = await client.get(new TtlKeys(new EtcdKeys(cluster)).revision).string();
      return stored !== null && BigInt(stored) === w.stats().handledRevision;
    });
  }, 30_000);

  it('still delivers the single-key records of older nodes; a record it cannot read is counted', async () => {
    const cluster = 'w-layouts';
    const ttl = new TtlKeys(new EtcdKeys(cluster));
    const nodes = [new FakeNode('node1')];
    const { worker: w } = worker(cluster, 'w1', nodes);
    await eventually('leading and watching', () => w.role === 'leader' && w.settled(), 10_000);
    const lease = client.lease(2, { autoKeepAlive: false });
    const second = Math.floor(Date.now() / 1000) + 3;
    const expireAtMs = second * 1000 + 250;
    await lease
      .put(ttl.entry(second, 'scores', 'old/a'))
      .value(encodeTtlRecord({ owner: 'node1', expireAtMs }));
    await lease.put(ttl.entry(second, 'scores', 'foreign')).value('not a record');
    await lease.put(ttl.batch(second, 'node9', 'x.1')).value('not a batch');
    await eventually('both single-key records delivered', () => nodes[0].received().size === 2, 10_000);
    expect(nodes[0].received().get('scores/old/a')?.expireAtMs).toBe(expireAtMs);
    // Without its record, a single key is sent with its bucket's first millisecond.
    expect(nodes[0].received().get('scores/foreign')?.expireAtMs).toBe(second * 1000);
    expect(w.stats()).toMatchObject({ expiredKeys: 2, withoutRecord: 2 });
  }, 20_000);

  it('delivers a second whose records pass 4 MiB, which etcd sends as one watch response', async () => {
    const cluster = 'w-big-second';
    const nodes = [new FakeNode('node1')];
    const { worker: w } = worker(cluster, 'w1', nodes);
    await eventually('leading and watching', () => w.role === 'leader' && w.settled(), 10_000);
    // 30,000 keys of ~190 bytes due within 300 ms: ~6 MB of records, ended by one or two lease revocations.
    const due = await scheduleKeys(queue(cluster), `${'x'.repeat(180)}-`, 30_000, 3_000);
    const delivered = () => nodes[0].calls.reduce((n, call) => n + call.keys.length, 0);
    await eventually('every key delivered', () => delivered() >= 30_000, 20_000);
    expectDelivered(nodes[0], due);
    expect(w.stats()).toMatchObject({ expiredKeys: 30_000, withoutRecord: 0 });
  }, 40_000);

  it('logs a node that does not answer, counts it, and still serves the others', async () => {
    const cluster = 'w-deadnode';
    const nodes = [new FakeNode('node1'), new FakeNode('node2')];
    nodes[1].failing = true;
    const { worker: w, logs } = worker(cluster, 'w1', nodes);
    await eventually('leading', () => w.settled(), 10_000);
    const due = await scheduleKeys(queue(cluster), 'k', 20, 2_600);
    await eventually('node1 has every key', deliveredAll([nodes[0]], due), 10_000);
    expect(w.stats().batches.partial).toBeGreaterThan(0);
    expect(w.stats().expireCalls.failed).toBe(w.stats().batches.partial);
    expect(logs.filter((l) => /Expire on node node2 failed/.test(l))).toHaveLength(1);
  }, 30_000);

  it('hands over at once on a graceful stop, and the new leader misses nothing', async () => {
    const cluster = 'w-resign';
    const nodes = [new FakeNode('node1')];
    const first = worker(cluster, 'w1', nodes).worker;
    await eventually('w1 leads', () => first.role === 'leader' && first.settled(), 10_000);
    const second = worker(cluster, 'w2', nodes).worker;
    await eventually(
      'w2 stands by behind w1',
      () => second.role === 'standby' && second.stats().leader === 'w1',
      10_000,
    );
    expect(second.settled()).toBe(true);
    const q = queue(cluster);
    const before = await scheduleKeys(q, 'before', 50, 2_600);
    await eventually('delivered by w1', deliveredAll(nodes, before), 10_000);

    const stopped = Date.now();
    await first.stop();
    const handover = await eventually('w2 leads', () => second.role === 'leader' && second.settled(), 5_000);
    report(`graceful handover: ${Date.now() - stopped} ms (w2 watching ${handover} ms after w1 resigned)`);
    expect(Date.now() - stopped).toBeLessThan(1_500);
    const after = await scheduleKeys(q, 'after', 50, 2_600);
    await eventually('delivered by w2', deliveredAll(nodes, after), 10_000);
    // w2 resumed exactly where w1 stopped: nothing delivered twice.
    expect(nodes[0].received().size).toBe(100);
    expect(nodes[0].calls.flatMap((c) => c.keys)).toHaveLength(100);
  }, 40_000);

  // npm start runs two workers at once on a fresh etcd: each must learn where it stands (etcd3's own election
  // observer told the later campaigner that it led itself, so it never settled and never became ready).
  it('two workers started at the same moment both settle: one leads, the other stands by behind it', async () => {
    for (let round = 0; round < 5; round++) {
      const nodes = [new FakeNode('node1')];
      const a = worker(`w-pair-${round}`, 'a', nodes).worker;
      const b = worker(`w-pair-${round}`, 'b', nodes).worker;
      await eventually(`round ${round}: both settled`, () => a.settled() && b.settled(), 10_000);
      const roles = [a.role, b.role].sort();
      expect(roles).toEqual(['leader', 'standby']);
      const leader = a.role === 'leader' ? 'a' : 'b';
      expect([a.stats().leader, b.stats().leader]).toEqual([leader, leader]);
    }
  }, 60_000);

  it('takes over when the leader dies, delivering what expired meanwhile and everything after', async () => {
    const cluster = 'w-crash';
    const nodes = [new FakeNode('node1')];
    const proxy = await TcpProxy.start(`127.0.0.1:${etcd.members[0].clientPort}`);
    cleanups.push(() => proxy.stop());
    const doomed = worker(cluster, 'w1', nodes, { endpoint: `http://${proxy.address}` }).worker;
    await eventually('w1 leads', () => doomed.role === 'leader' && doomed.settled(), 10_000);
    const survivor = worker(cluster, 'w2', nodes).worker;
    await eventually('w2 stands by', () => survivor.role === 'standby', 10_000);
    const q = queue(cluster);

    // The leader loses etcd for good (a crash, as far as etcd can tell): its campaign lease expires.
    await proxy.stop();
    const crashed = Date.now();
    const during = await scheduleKeys(q, 'during', 30, 2_600);
    await eventually('w2 leads', () => survivor.role === 'leader' && survivor.settled(), 10_000);
    report(`failover after a crash: ${Date.now() - crashed} ms (campaign lease 2 s)`);
    const after = await scheduleKeys(q, 'after', 30, 2_600);
    await eventually('all delivered by w2', deliveredAll(nodes, new Map([...during, ...after])), 15_000);

    // Back on the network, the old leader finds its campaign gone and stands by.
    await proxy.restart();
    await eventually('w1 stands by', () => doomed.role === 'standby', 20_000);
    expect(survivor.role).toBe('leader');
  }, 70_000);

  it('resumes from the stored revision: a new worker delivers what expired while none ran', async () => {
    const cluster = 'w-resume';
    const nodes = [new FakeNode('node1')];
    const { worker: first } = worker(cluster, 'w1', nodes);
    await eventually('w1 leads', () => first.settled(), 10_000);
    const q = queue(cluster);
    const early = await scheduleKeys(q, 'early', 10, 2_600);
    await eventually('delivered by w1', deliveredAll(nodes, early), 10_000);
    await first.stop();

    const whileDown = await scheduleKeys(q, 'down', 40, 2_600);
    const ttl = new TtlKeys(new EtcdKeys(cluster));
    await eventually(
      'expired in etcd',
      async () => (await client.getAll().prefix(ttl.prefix).count()) === 0,
      10_000,
    );
    await sleep(300);
    expect(nodes[0].received().size).toBe(10);

    const { worker: next, logs } = worker(cluster, 'w3', nodes);
    await eventually('delivered by the new worker', deliveredAll(nodes, whileDown), 10_000);
    expect(next.stats().expiredKeys).toBe(40);
    expect(logs.join('\n')).toMatch(/resuming from revision \d+/);
  }, 40_000);

  it('after a compaction, logs the gap, asks every node to sweep, and goes on', async () => {
    const cluster = 'w-compact';
    const nodes = [new FakeNode('node1'), new FakeNode('node2')];
    const { worker: first } = worker(cluster, 'w1', nodes);
    await eventually('w1 leads', () => first.settled(), 10_000);
    const q = queue(cluster);
    await eventually('delivered by w1', deliveredAll(nodes, await scheduleKeys(q, 'a', 5, 2_600)), 10_000);
    await first.stop();

    const lost = await scheduleKeys(q, 'lost', 5, 2_600);
    const later = await scheduleKeys(q, 'later', 5, 9_000);
    const ttl = new TtlKeys(new EtcdKeys(cluster));
    // Until only the later keys' records are left in etcd.
    await eventually(
      'lost keys expired',
      async () => {
        const values = await client.getAll().prefix(ttl.prefix).strings();
        const left = Object.values(values).flatMap((v) => decodeTtlBatch(v)?.entries ?? []);
        return left.length === 5 && left.every((e) => e.key.startsWith('later'));
      },
      10_000,
    );
    const { header } = await client.get('anything').exec();
    await client.kv.compact({ revision: header.revision, physical: true });

    const { worker: next, logs } = worker(cluster, 'w2', nodes);
    await eventually('swept', () => nodes.every((n) => n.calls.some((c) => c.keys.length === 0)), 10_000);
    expect(logs.join('\n')).toMatch(/revisions \d+–\d+ were compacted before they were read/);
    expect(next.stats()).toMatchObject({ compactions: 1, sweeps: 1 });
    await eventually('later keys delivered', deliveredAll(nodes, later), 15_000);
    expect([...lost.keys()].some((key) => nodes[0].received().has(key))).toBe(false);
  }, 40_000);

  it('rejects bad options at construction', () => {
    const base = { client, keys: new EtcdKeys('w-options'), peers: () => [], logger: console };
    expect(() => new TtlWorker({ ...base, name: 'has space' })).toThrow(
      /TtlWorker: option name must be 1 to 200 characters, no spaces, got "has space"/,
    );
    expect(() => new TtlWorker({ ...base, name: 'w', batchMaxKeys: 0 })).toThrow(
      /batchMaxKeys must be an integer/,
    );
  });
});
