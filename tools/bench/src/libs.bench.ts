import { LRUCache } from 'lru-cache';

import { found, Group, loaderFn, NearCache } from '@ringcache/cache-core';
import { HashRing } from '@ringcache/consistent-hash';
import { Lru } from '@ringcache/lru';
import { Singleflight } from '@ringcache/singleflight';

import { formatRate, markdownTable, measure, measureAsync, type MeasureOptions } from './measure';

/** One row of the libraries table. */
export interface LibRow {
  case: string;
  ours: number;
  baseline?: number;
  baselineName?: string;
  unit?: string;
}

const ENTRIES = 100_000;
const VALUE = Buffer.alloc(1024, 7);
const TTL_MS = 10 * 60_000;
const sizeOf = (value: Buffer, key: string) => value.length + key.length;

/** Our LRU vs lru-cache 11, configured the same (maxSize + sizeCalculation + ttl), 1 KiB values. */
function lruRows(options: MeasureOptions): LibRow[] {
  const keys = Array.from({ length: ENTRIES }, (_, i) => `key:${i}`);
  const absent = Array.from({ length: ENTRIES }, (_, i) => `absent:${i}`);
  const maxBytes = ENTRIES * (VALUE.length + 16);
  const ours = new Lru<string, Buffer>({ maxBytes, sizeOf, ttlMs: TTL_MS });
  const theirs = new LRUCache<string, Buffer>({ maxSize: maxBytes, sizeCalculation: sizeOf, ttl: TTL_MS });
  for (const k of keys) {
    ours.set(k, VALUE);
    theirs.set(k, VALUE);
  }
  let sink = 0;
  const rows: LibRow[] = [];
  const pair = (name: string, a: () => void, b: () => void, ops: number) => {
    // Alternate the two so drift on a shared machine hits both alike.
    const oursRate = measure(a, ops, options).opsPerSec;
    const theirsRate = measure(b, ops, options).opsPerSec;
    const oursAgain = measure(a, ops, options).opsPerSec;
    const theirsAgain = measure(b, ops, options).opsPerSec;
    rows.push({
      case: name,
      ours: (oursRate + oursAgain) / 2,
      baseline: (theirsRate + theirsAgain) / 2,
      baselineName: 'lru-cache 11',
    });
  };
  pair(
    'LRU get, hit (100k × 1 KiB)',
    () => keys.forEach((k) => (sink += ours.get(k)?.length ?? 0)),
    () => keys.forEach((k) => (sink += theirs.get(k)?.length ?? 0)),
    ENTRIES,
  );
  pair(
    'LRU get, miss',
    () => absent.forEach((k) => (sink += ours.get(k) ? 1 : 0)),
    () => absent.forEach((k) => (sink += theirs.get(k) ? 1 : 0)),
    ENTRIES,
  );
  pair(
    'LRU set, update in place',
    () => keys.forEach((k) => ours.set(k, VALUE)),
    () => keys.forEach((k) => theirs.set(k, VALUE)),
    ENTRIES,
  );
  // New keys into a full cache: every set evicts the oldest entry.
  let round = 0;
  pair(
    'LRU set, new key evicting',
    () => {
      round++;
      for (let i = 0; i < 10_000; i++) ours.set(`new:${round}:${i}`, VALUE);
    },
    () => {
      round++;
      for (let i = 0; i < 10_000; i++) theirs.set(`new:${round}:${i}`, VALUE);
    },
    10_000,
  );
  if (sink < 0) console.log(sink);
  return rows;
}

/** Ring lookups: default settings against a classic one-probe ring of the same members. */
function ringRows(options: MeasureOptions): LibRow[] {
  const keys = Array.from({ length: 10_000 }, (_, i) => `scores/user-${i}`);
  return [3, 10, 100].map((members) => {
    const names = Array.from({ length: members }, (_, i) => `node-${i}`);
    const ring = new HashRing();
    ring.set(names);
    const classic = new HashRing({ probes: 1 });
    classic.set(names);
    let sink = 0;
    const ours = measure(
      () => keys.forEach((k) => (sink += ring.owner(k)?.length ?? 0)),
      keys.length,
      options,
    );
    const one = measure(
      () => keys.forEach((k) => (sink += classic.owner(k)?.length ?? 0)),
      keys.length,
      options,
    );
    if (sink < 0) console.log(sink);
    return {
      case: `ring owner(), ${members} members × 160 vnodes`,
      ours: ours.opsPerSec,
      baseline: one.opsPerSec,
      baselineName: 'same ring, 1 probe',
    };
  });
}

/** Singleflight: cost per call over calling the function directly. */
async function singleflightRows(options: MeasureOptions): Promise<LibRow[]> {
  const keys = Array.from({ length: 1_000 }, (_, i) => `k${i}`);
  const fn = async () => 1;
  const flight = new Singleflight<string, number>();
  const direct = await measureAsync(
    async () => void (await Promise.all(keys.map(() => fn()))),
    keys.length,
    options,
  );
  const distinct = await measureAsync(
    async () => void (await Promise.all(keys.map((k) => flight.do(k, fn)))),
    keys.length,
    options,
  );
  const shared = await measureAsync(
    async () => void (await Promise.all(keys.map(() => flight.do('one', fn)))),
    keys.length,
    options,
  );
  return [
    {
      case: 'singleflight do(), distinct keys',
      ours: distinct.opsPerSec,
      baseline: direct.opsPerSec,
      baselineName: 'direct async call',
    },
    {
      case: 'singleflight do(), 1,000 callers of one key',
      ours: shared.opsPerSec,
      baseline: direct.opsPerSec,
      baselineName: 'direct async call',
    },
  ];
}

/**
 * The cost of counting requests for hot keys (HotKeyTracker) on the paths that feed it: a Group get that
 * hits its cache, and a near-cache hit, each against the same with counting off. 10,000 distinct keys
 * over 256 counters: nearly every request replaces a counter, the tracker's slowest case.
 */
async function hotKeyRows(options: MeasureOptions): Promise<LibRow[]> {
  const keys = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
  const loader = loaderFn(async () => found('v'.repeat(100)));
  const context = { hops: 0, ringVersion: '' };
  const groups = [256, 0].map(
    (hotKeyCapacity) => new Group({ name: 'g', maxBytes: 64 << 20, loader, hotKeyCapacity }),
  );
  for (const group of groups) for (const key of keys) await group.get(key, context);
  const near = [256, 0].map((hotKeyCapacity) => {
    const cache = new NearCache({ maxBytes: 64 << 20, hotKeyCapacity });
    cache.setEnabled(true);
    for (const key of keys)
      cache.store('g', key, { found: true, value: Buffer.from('v'), expireAtMs: 0 }, cache.begin('g', key));
    return cache;
  });
  let sink = 0;
  const getAll = (group: Group) => async () => {
    for (const key of keys) sink += (await group.get(key, context)).value.length;
  };
  const nearAll = (cache: NearCache) => () => {
    for (const key of keys) sink += cache.get('g', key)?.value.length ?? 0;
  };
  // Alternated, so drift on a shared machine hits both alike.
  const groupOn = [await measureAsync(getAll(groups[0]), keys.length, options)];
  const groupOff = [await measureAsync(getAll(groups[1]), keys.length, options)];
  groupOn.push(await measureAsync(getAll(groups[0]), keys.length, options));
  groupOff.push(await measureAsync(getAll(groups[1]), keys.length, options));
  const nearOn = [measure(nearAll(near[0]), keys.length, options)];
  const nearOff = [measure(nearAll(near[1]), keys.length, options)];
  nearOn.push(measure(nearAll(near[0]), keys.length, options));
  nearOff.push(measure(nearAll(near[1]), keys.length, options));
  if (sink < 0) console.log(sink);
  const mean = (rates: { opsPerSec: number }[]) =>
    rates.reduce((sum, r) => sum + r.opsPerSec, 0) / rates.length;
  return [
    {
      case: 'Group get, hit, counting hot keys (10k keys, 256 counters)',
      ours: mean(groupOn),
      baseline: mean(groupOff),
      baselineName: 'same, counting off',
    },
    {
      case: 'NearCache get, hit, counting hot keys',
      ours: mean(nearOn),
      baseline: mean(nearOff),
      baselineName: 'same, counting off',
    },
  ];
}

/** Runs every library benchmark. */
export async function benchLibs(options: MeasureOptions = {}): Promise<LibRow[]> {
  return [
    ...lruRows(options),
    ...ringRows(options),
    ...(await singleflightRows(options)),
    ...(await hotKeyRows(options)),
  ];
}

/** The libraries table in Markdown. */
export function libsTable(rows: LibRow[]): string {
  return markdownTable(
    ['case', 'ringcache', 'baseline', 'ratio', 'baseline is'],
    rows.map((r) => [
      r.case,
      formatRate(r.ours),
      r.baseline === undefined ? '—' : formatRate(r.baseline),
      r.baseline === undefined ? '—' : `${(r.ours / r.baseline).toFixed(2)}×`,
      r.baselineName ?? '—',
    ]),
  );
}
