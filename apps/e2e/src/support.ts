import { HashRing } from '@ringcache/consistent-hash';
import type { TestCluster } from '@ringcache/testing';

/** The status and body of one GET. */
export interface Answer {
  status: number;
  body: string;
}

/** GET a URL, returning status and body text. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(20_000) });
  return { status: res.status, body: await res.text() };
}

/** URL of a key on the gateway's public API. */
export function gatewayUrl(cluster: TestCluster, group: string, key: string): string {
  return `${cluster.gateway?.url}/api/v1/groups/${encodeURIComponent(group)}/keys/${encodeURIComponent(key)}`;
}

/** URL of a key on a node's HTTP peer endpoint. */
export function peerUrl(node: { url: string }, group: string, key: string): string {
  return `${node.url}/_ringcache/${encodeURIComponent(group)}/${encodeURIComponent(key)}`;
}

/** The owner of a group's key as every process of `cluster` computes it (default ring settings). */
export function ownerOf(
  cluster: TestCluster,
  group: string,
  key: string,
  members = cluster.nodes.map((n) => n.name),
): string {
  const ring = new HashRing();
  ring.set(members);
  return ring.owner(`${group}/${key}`) as string;
}

/** Runs `count` calls of `call(i)` all at once; resolves with every result. */
export function concurrently<T>(count: number, call: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => call(i)));
}

/** One process's view of the cluster, from /cluster (nodes) or /api/v1/cluster (gateway). */
export interface ClusterView {
  ringVersion: string;
  members: { name: string }[];
}

/** Every live process's view: nodes' /cluster and the gateway's /api/v1/cluster. */
export async function views(cluster: TestCluster): Promise<Map<string, ClusterView>> {
  const result = new Map<string, ClusterView>();
  const urls = cluster.nodes.filter((n) => n.process.alive).map((n) => [n.name, `${n.url}/cluster`] as const);
  if (cluster.gateway?.process.alive) urls.push(['gateway', `${cluster.gateway.url}/api/v1/cluster`]);
  await Promise.all(
    urls.map(async ([name, url]) => {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      result.set(name, (await res.json()) as ClusterView);
    }),
  );
  return result;
}

/** True when every live process's ring holds exactly `names`. */
export async function converged(cluster: TestCluster, names: string[]): Promise<boolean> {
  const expected = [...names].sort().join(',');
  const all = await views(cluster);
  return [...all.values()].every(
    (v) =>
      v.members
        .map((m) => m.name)
        .sort()
        .join(',') === expected,
  );
}

/** Keeps GETs flowing through the gateway until stopped; counts answers and failures. */
export function backgroundReads(cluster: TestCluster, keys: string[], concurrency = 4) {
  const stats = { ok: 0, failed: 0, failures: [] as string[] };
  let running = true;
  const loops = Array.from({ length: concurrency }, async (_, worker) => {
    for (let i = worker; running; i += concurrency) {
      const key = keys[i % keys.length];
      try {
        const answer = await get(gatewayUrl(cluster, 'scores', key));
        if (answer.status === 200 || answer.status === 404) stats.ok++;
        else {
          stats.failed++;
          stats.failures.push(`${key}: ${answer.status} ${answer.body}`);
        }
      } catch (error) {
        stats.failed++;
        stats.failures.push(`${key}: ${(error as Error).message}`);
      }
    }
  });
  return {
    stats,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return stats;
    },
  };
}

/** A request with a method and optional body; returns status, body and headers. */
export async function request(
  method: string,
  url: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Answer & { headers: Headers }> {
  const res = await fetch(url, { method, body, headers, signal: AbortSignal.timeout(20_000) });
  return { status: res.status, body: await res.text(), headers: res.headers };
}
