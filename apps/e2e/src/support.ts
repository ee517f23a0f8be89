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
