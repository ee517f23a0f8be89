import { type TestCluster } from '@ringcache/testing';

import { get, gatewayUrl, ownerOf, peerUrl, request } from '../support';
import { rssMiB, type FuzzTally } from './fuzz-http';
import { KEPT_GROUP, PRISTINE_KEYS } from './fuzz-requests';

/**
 * Growth of a process's RSS over a fuzz run of the default count that counts as a leak; a larger run
 * (FUZZ_COUNT) is allowed as much per request: the heap grows to hold the largest bodies seen.
 */
export const RSS_BOUND_MIB = 64;

/** A group read from the demo `student` table (the nodes create and seed it at start). */
export const DEMO_TABLE = Object.freeze({ table: 'student', keyColumn: 'name', valueColumn: 'score' });

/** Keys the fuzzer never names, with their values. */
export const KNOWN = new Map(Array.from({ length: 30 }, (_, i) => [`known-${i}`, `known value ${i} ✓`]));

/** Seeds KNOWN and the pristine keys of KEPT_GROUP through the gateway. */
export async function seed(cluster: TestCluster): Promise<void> {
  for (const [key, value] of [...KNOWN, ...PRISTINE_KEYS.map((k) => [k, `pristine ${k}`] as const)]) {
    const answer = await request('PUT', gatewayUrl(cluster, KEPT_GROUP, key), value, {
      'content-type': 'application/octet-stream',
    });
    if (answer.status !== 200) throw new Error(`seeding ${key}: ${answer.status} ${answer.body}`);
  }
}

/**
 * Keys whose value differs from the seeded one, read through the gateway and on the owner: every known key,
 * and every pristine key no accepted write or flush of `tallies` named.
 */
export async function changedKeys(
  cluster: TestCluster,
  tallies: Pick<FuzzTally, 'touched' | 'flushed'>[],
): Promise<string[]> {
  const touched = (key: string) =>
    tallies.some((t) => t.touched.has(`${KEPT_GROUP}/${key}`) || t.flushed.has(KEPT_GROUP));
  const expected = new Map([
    ...KNOWN,
    ...PRISTINE_KEYS.filter((k) => !touched(k)).map((k) => [k, `pristine ${k}`] as const),
  ]);
  const changed: string[] = [];
  for (const [key, value] of expected) {
    const owner = cluster.node(ownerOf(cluster, KEPT_GROUP, key));
    const seen = [
      await get(gatewayUrl(cluster, KEPT_GROUP, key)),
      await get(peerUrl(owner, KEPT_GROUP, key)),
    ];
    for (const answer of seen)
      if (answer.status !== 200 || answer.body !== value)
        changed.push(`${key}: ${answer.status} ${answer.body}`);
  }
  return changed;
}

/** Every process still running and answering /healthz. */
export async function allHealthy(cluster: TestCluster): Promise<string[]> {
  const sick: string[] = [];
  const all = [...cluster.nodes.map((n) => [n.name, n.url, n.process] as const)];
  if (cluster.gateway) all.push(['gateway', cluster.gateway.url, cluster.gateway.process]);
  for (const [name, url, process] of all) {
    const status = process.alive ? (await get(`${url}/healthz`).catch(() => ({ status: 0 }))).status : -1;
    if (status !== 200) sick.push(`${name}: ${status}\n${process.output()}`);
  }
  return sick;
}

/**
 * Each process's RSS growth in MiB since `before`, printed; the ones over the bound, for a run of `scale`
 * times the default count.
 */
export function rssGrowth(
  cluster: TestCluster,
  before: Map<string, number>,
  label: string,
  scale = 1,
): string[] {
  const bound = RSS_BOUND_MIB * Math.max(1, scale);
  const after = rssMiB(cluster);
  const lines = [...after].map(
    ([name, mib]) => `${name} ${before.get(name)?.toFixed(1)} → ${mib.toFixed(1)} MiB`,
  );
  console.log(`${label} RSS: ${lines.join(', ')}`);
  return [...after]
    .filter(([name, mib]) => !(mib - (before.get(name) ?? NaN) < bound))
    .map(([name, mib]) => `${name} grew from ${before.get(name)} to ${mib} MiB`);
}
