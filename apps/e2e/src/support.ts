import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { DEMO_STUDENTS } from '@ringcache/data-source';
import { KeyOwners, type ReadTarget, type TestCluster } from '@ringcache/testing';

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
  return new KeyOwners(members).owner(group, key);
}

/** The scores the nodes seed into the demo `scores` group's table (Tom 630, Jack 589, Sam 567). */
export const DEMO_SCORES: ReadonlyMap<string, string> = new Map(
  DEMO_STUDENTS.map((s) => [s.name, String(s.score)]),
);

/** Reads of `keys` of the demo `scores` group through the gateway: a demo row's score, else not found. */
export function scoresTargets(cluster: TestCluster, keys: string[]): ReadTarget[] {
  return keys.map((key) => ({
    key,
    url: gatewayUrl(cluster, 'scores', key),
    expected: DEMO_SCORES.get(key) ?? null,
  }));
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

/** Where each live process tells its view: nodes' /cluster and the gateways' /api/v1/cluster. */
export function viewUrls(cluster: TestCluster): [name: string, url: string][] {
  const urls = cluster.nodes
    .filter((n) => n.process.alive)
    .map((n): [string, string] => [n.name, `${n.url}/cluster`]);
  if (cluster.gateway?.process.alive) urls.push(['gateway', `${cluster.gateway.url}/api/v1/cluster`]);
  return urls;
}

/** One process's view; rejects unless it answers 200 within 5 s. */
export async function viewOf(url: string): Promise<ClusterView> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as ClusterView;
}

/** Every live process's view. */
export async function views(cluster: TestCluster): Promise<Map<string, ClusterView>> {
  const urls = viewUrls(cluster);
  const all = await Promise.all(urls.map(([, url]) => viewOf(url)));
  return new Map(urls.map(([name], i) => [name, all[i]]));
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

/** The header that presents an API key to the gateway. */
export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/** The SHA-256 of an API key, as `gateway.apiKeys` takes it. */
export function sha256Hex(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** One request over node:http or node:https (trusting `ca`, for a certificate made by the test). */
export function requestOver(
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: string; ca?: Buffer } = {},
): Promise<Answer & { headers: IncomingHttpHeaders }> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers: options.headers, ca: options.ca, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          headers: res.headers,
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
