import type { Etcd3, Watcher } from 'etcd3';

import { createEtcdClient, EtcdKeys } from '@ringcache/discovery';
import { EtcdCluster, eventually, TcpProxy } from '@ringcache/testing';

import { InvalidOptionError } from './errors';
import { EtcdDelayQueue, type EtcdDelayQueueOptions } from './etcd-delay-queue';
import { TtlKeys } from './ttl-keys';
import { decodeTtlBatch } from './ttl-record';

const quiet = { log: () => undefined, warn: () => undefined };
/** Set RINGCACHE_REPORT=1 to print the numbers these tests measure. */
const report = (line: string) => process.env['RINGCACHE_REPORT'] && console.log(line);

describe('EtcdDelayQueue on a real etcd', () => {
  let etcd: EtcdCluster;
  let client: Etcd3;
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
    await etcd?.stop();
  });

  function queue(cluster: string, options: Partial<EtcdDelayQueueOptions> = {}): EtcdDelayQueue {
    const q = new EtcdDelayQueue({
      client,
      keys: new EtcdKeys(cluster),
      owner: 'node1',
      logger: quiet,
      ...options,
    });
    cleanups.push(() => q.stop());
    return q;
  }

  /** Records when each key of the queue's prefix is deleted. */
  async function deletions(cluster: string): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    const watcher: Watcher = await client
      .watch()
      .prefix(new TtlKeys(new EtcdKeys(cluster)).prefix)
      .only('delete')
      .create();
    watcher.on('delete', (kv) => seen.set(kv.key.toString(), Date.now()));
    cleanups.push(() => watcher.cancel());
    return seen;
  }

  /** Every key the queue's records in etcd carry, by `group/key`, with its record's etcd key and lease. */
  async function storedEntries(cluster: string) {
    const ttl = new TtlKeys(new EtcdKeys(cluster));
    const stored = await client.getAll().prefix(ttl.prefix).exec();
    const entries = new Map<string, { expireAtMs: number; record: string; lease: string }>();
    for (const kv of stored.kvs) {
      const record = kv.key.toString();
      expect(ttl.parse(record)?.kind).toBe('batch');
      const batch = decodeTtlBatch(kv.value.toString());
      expect(batch?.owner).toBe('node1');
      for (const e of batch?.entries ?? []) {
        expect(entries.has(`${e.group}/${e.key}`)).toBe(false);
        entries.set(`${e.group}/${e.key}`, { expireAtMs: e.expireAtMs, record, lease: kv.lease });
      }
    }
    return { records: stored.kvs, entries };
  }

  it('packs the keys of a second into one record under the lease of that second, deleted as the second begins', async () => {
    const cluster = 'dq-lease';
    const q = queue(cluster);
    const deleted = await deletions(cluster);
    const first = Math.floor(Date.now() / 1000) + 4;
    const due = new Map<string, number>();
    for (let i = 0; i < 600; i++) {
      const second = first + (i % 2);
      const expireAtMs = second * 1000 + ((i * 7) % 1000);
      q.schedule('scores', `k${i}`, expireAtMs);
      due.set(`scores/k${i}`, expireAtMs);
    }
    await q.flush();

    const { records, entries } = await storedEntries(cluster);
    // 600 short keys in two seconds: one record per second, one transaction.
    expect(records).toHaveLength(2);
    expect(new Set(records.map((kv) => kv.lease)).size).toBe(2);
    expect(new Map([...entries].map(([key, e]) => [key, e.expireAtMs]))).toEqual(due);
    for (const [, e] of entries) {
      expect(new TtlKeys(new EtcdKeys(cluster)).parse(e.record)?.second).toBe(
        Math.floor(e.expireAtMs / 1000),
      );
    }
    expect(q.stats()).toMatchObject({
      scheduled: 600,
      written: 600,
      records: 2,
      txns: 1,
      failed: 0,
      leasesGranted: 2,
      pending: 0,
      leases: 2,
    });

    await eventually('every record deleted', () => deleted.size === 2, 10_000);
    const early: number[] = [];
    for (const [key, e] of entries) {
      const lateness = (deleted.get(e.record) as number) - (due.get(key) as number);
      // Never late by more than the watch's own delay; early by at most the lead plus the rounded-down TTL.
      expect(lateness).toBeLessThan(1_000);
      expect(lateness).toBeGreaterThan(-2_600);
      early.push(-lateness);
    }
    early.sort((a, b) => a - b);
    report(
      `delete before expiry, ms: min ${early[0]} median ${early[early.length >> 1]} max ${early[early.length - 1]}`,
    );
    // Past seconds' leases are forgotten at the next write.
    q.schedule('scores', 'later', Date.now() + 60_000);
    await q.flush();
    expect(q.stats().leases).toBe(1);
  }, 30_000);

  it('turns a burst of schedules into a few records and transactions', async () => {
    const q = queue('dq-burst');
    const due = Date.now() + 30_000;
    const started = Date.now();
    for (let i = 0; i < 20_000; i++) q.schedule('g', `key-${i}`, due + (i % 5) * 1000);
    await eventually('all written', () => q.stats().written === 20_000, 20_000);
    const ms = Date.now() - started;
    const stats = q.stats();
    report(
      `20,000 schedules written in ${ms} ms with ${stats.records} records in ${stats.txns} txns, ${stats.leasesGranted} leases`,
    );
    // ~25 bytes a key: 5 seconds × ~4,000 keys, each second's keys in two records of ≤ 64 KiB.
    expect(stats.records).toBeLessThanOrEqual(12);
    expect(stats.txns).toBeLessThanOrEqual(2);
    expect(stats.leasesGranted).toBe(5);
    const { records, entries } = await storedEntries('dq-burst');
    expect(records).toHaveLength(stats.records);
    expect(entries.size).toBe(20_000);
    for (const kv of records) expect(kv.value.length).toBeLessThanOrEqual(65_536);
  }, 30_000);

  it('caps records by size, and a key longer than the cap still gets a record of its own', async () => {
    const q = queue('dq-record-size', { maxRecordBytes: 4_096 });
    const due = Date.now() + 30_000;
    for (let i = 0; i < 300; i++) q.schedule('g', `${'x'.repeat(100)}-${i}`, due);
    q.schedule('g', 'y'.repeat(6_000), due);
    await q.flush();
    const { records, entries } = await storedEntries('dq-record-size');
    expect(entries.size).toBe(301);
    const oversized = records.filter((kv) => kv.value.length > 4_096);
    expect(oversized).toHaveLength(1);
    expect(decodeTtlBatch(oversized[0].value.toString())?.entries).toHaveLength(1);
    // 300 × ~120 bytes in records of ≤ 4 KiB: at least 9 of them, nearly full.
    expect(records.length).toBeGreaterThanOrEqual(10);
    expect(records.length).toBeLessThanOrEqual(12);
    expect(q.stats()).toMatchObject({ written: 301, records: records.length, failed: 0 });
  }, 15_000);

  it('batches a steady 10,000 schedules per second into about one record per flush', async () => {
    const q = queue('dq-steady');
    const due = Date.now() + 30_000;
    // 1 s of 10 schedules per ms.
    for (let ms = 0; ms < 1_000; ms += 5) {
      for (let i = 0; i < 50; i++) q.schedule('g', `s-${ms}-${i}`, due + ms);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await eventually('all written', () => q.stats().written === 10_000, 10_000);
    const { records, txns } = q.stats();
    report(`10,000 schedules over ~1 s: ${records} records in ${txns} txns`);
    // One flush every 100 ms, each one transaction of one or two records (the keys span one second).
    expect(txns).toBeLessThanOrEqual(25);
    expect(records).toBeLessThanOrEqual(40);
    expect((await storedEntries('dq-steady')).entries.size).toBe(10_000);
  }, 30_000);

  it('writes only the latest schedule of a key set again before its record was written', async () => {
    const cluster = 'dq-coalesce';
    const q = queue(cluster);
    const second = Math.floor(Date.now() / 1000) + 20;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 50; i++) q.schedule('g', `k${i}`, second * 1000 + round);
    }
    expect(q.stats()).toMatchObject({ scheduled: 500, coalesced: 450, pending: 50 });
    await q.flush();
    expect(q.stats()).toMatchObject({ written: 50, records: 1, failed: 0, pending: 0 });
    const { entries } = await storedEntries(cluster);
    expect(entries.size).toBe(50);
    for (const [, e] of entries) expect(e.expireAtMs).toBe(second * 1000 + 9);
  }, 15_000);

  it('puts a key due sooner than the shortest lease into the first reachable second', async () => {
    const cluster = 'dq-short';
    const ttl = new TtlKeys(new EtcdKeys(cluster));
    const q = queue(cluster);
    const deleted = await deletions(cluster);
    const expireAtMs = Date.now() + 800;
    q.schedule('g', 'short', expireAtMs);
    await q.flush();
    const [kv] = (await client.getAll().prefix(ttl.prefix).exec()).kvs;
    const second = ttl.parse(kv.key.toString())?.second as number;
    expect(second * 1000).toBeGreaterThan(expireAtMs + 1_500);
    await eventually('deleted', () => deleted.size === 1, 6_000);
    const lateness = (deleted.values().next().value as number) - expireAtMs;
    report(`key due in 0.8 s deleted ${lateness} ms after its expiry`);
    expect(lateness).toBeLessThan(3_500);
  }, 15_000);

  it('keeps schedules while etcd is unreachable and writes them once it is back', async () => {
    const proxy = await TcpProxy.start(`127.0.0.1:${etcd.members[0].clientPort}`);
    const behind = createEtcdClient({
      endpoints: [`http://${proxy.address}`],
      dialTimeoutMs: 1_000,
      callTimeoutMs: 500,
    });
    const warnings: string[] = [];
    const logs: string[] = [];
    const q = new EtcdDelayQueue({
      client: behind,
      keys: new EtcdKeys('dq-outage'),
      owner: 'node1',
      logger: { log: (m) => logs.push(m), warn: (m) => warnings.push(m) },
    });
    cleanups.push(async () => {
      await q.stop();
      behind.close();
      await proxy.stop();
    });
    await proxy.stop();
    const due = Date.now() + 20_000;
    for (let i = 0; i < 50; i++) q.schedule('g', `k${i}`, due);
    await eventually('a failed write', () => q.stats().failed > 0, 10_000);
    expect(q.stats().written).toBe(0);
    // Set again while its first record waits for a retry: the newer expiry is the one written.
    q.schedule('g', 'k0', due + 5_000);
    expect(warnings.join('\n')).toMatch(/writing to etcd failed .*retrying/);
    await proxy.restart();
    await eventually('written after etcd came back', () => q.stats().written === 50, 15_000);
    expect(q.stats().pending).toBe(0);
    const { entries } = await storedEntries('dq-outage');
    expect(entries.size).toBe(50);
    expect(entries.get('g/k0')?.expireAtMs).toBe(due + 5_000);
    expect(logs.join('\n')).toMatch(/works again/);
  }, 40_000);

  it('drops what it cannot hold, and anything scheduled after stop, counting both', async () => {
    const q = queue('dq-full', { maxPending: 3 });
    expect(q.accepting()).toBe(true);
    for (let i = 0; i < 5; i++) q.schedule('g', `k${i}`, Date.now() + 10_000);
    // Full: nodes refuse Sets with a TTL now (Group), rather than have their records dropped here.
    expect(q.accepting()).toBe(false);
    q.schedule('g', 'nan', Number.NaN);
    expect(q.stats()).toMatchObject({ scheduled: 6, dropped: 3, pending: 3 });
    await q.stop();
    q.schedule('g', 'after', Date.now() + 10_000);
    expect(q.stats()).toMatchObject({ written: 3, dropped: 4, pending: 0 });
  });

  it('rejects bad options at construction, naming them', () => {
    const keys = new EtcdKeys('dq-options');
    expect(() => new EtcdDelayQueue({ client, keys, owner: 'n', logger: quiet, maxOpsPerTxn: 0 })).toThrow(
      new InvalidOptionError('EtcdDelayQueue', 'maxOpsPerTxn', 0, 'an integer in [1, 10000]'),
    );
    expect(
      () => new EtcdDelayQueue({ client, keys, owner: 'n', logger: quiet, flushIntervalMs: 1.5 }),
    ).toThrow(/option flushIntervalMs must be an integer in \[1, 10000\], got 1.5/);
  });
});
