import type { RingcacheEtcdOptions, ResolvedEtcdOptions } from './client-options';
import { CLIENT_DEFAULTS, MAX_TIMER_MS } from './client-defaults';
import { integer, invalid, isPort } from './option-checks';

const CLUSTER = /^[a-z0-9-]{1,63}$/;
const ETCD_ENDPOINT = /^https?:\/\/(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})\/?$/;
const ETCD_KEYS = new Set([
  'endpoints',
  'cluster',
  'dialTimeoutMs',
  'callTimeoutMs',
  'username',
  'password',
  'tls',
]);

/**
 * Validated etcd options. `at` names the option in messages (`RingcacheClient option etcd`, say);
 * `withCluster` false for the name resolver, whose target names the cluster.
 */
export function resolveEtcdOptions(etcd: unknown, at: string, withCluster: boolean): ResolvedEtcdOptions {
  if (typeof etcd !== 'object' || etcd === null || Array.isArray(etcd))
    throw invalid(`${at} must be an object`, etcd);
  const given = etcd as Partial<RingcacheEtcdOptions>;
  for (const key of Object.keys(given)) {
    if (!ETCD_KEYS.has(key) || (key === 'cluster' && !withCluster)) throw invalid(`unknown ${at}.${key}`);
  }
  const { endpoints } = given;
  if (!Array.isArray(endpoints) || endpoints.length === 0)
    throw invalid(`${at}.endpoints must be a non-empty list of http(s)://host:port`, endpoints);
  endpoints.forEach((endpoint, i) => {
    const match = typeof endpoint === 'string' ? ETCD_ENDPOINT.exec(endpoint) : null;
    if (!match || !isPort(match[1]))
      throw invalid(`${at}.endpoints[${i}] must be http://host:port or https://host:port`, endpoint);
  });
  const cluster = given.cluster ?? CLIENT_DEFAULTS.cluster;
  if (typeof cluster !== 'string' || !CLUSTER.test(cluster))
    throw invalid(`${at}.cluster must be 1 to 63 of a-z 0-9 -`, cluster);
  for (const field of ['username', 'password'] as const) {
    if (given[field] !== undefined && typeof given[field] !== 'string')
      throw invalid(`${at}.${field} must be a string`, given[field]);
  }
  const tls = given.tls;
  if (tls !== undefined) {
    if (typeof tls !== 'object' || tls === null) throw invalid(`${at}.tls must be an object`, tls);
    for (const [field, path] of Object.entries(tls)) {
      if (!['caFile', 'certFile', 'keyFile'].includes(field)) throw invalid(`unknown ${at}.tls.${field}`);
      if (typeof path !== 'string') throw invalid(`${at}.tls.${field} must be a file path`, path);
    }
  }
  return {
    endpoints: endpoints.map((endpoint: string) => endpoint.replace(/\/$/, '')),
    cluster,
    dialTimeoutMs: integer(
      `${at}.dialTimeoutMs`,
      given.dialTimeoutMs,
      CLIENT_DEFAULTS.dialTimeoutMs,
      1,
      MAX_TIMER_MS,
    ),
    callTimeoutMs: integer(
      `${at}.callTimeoutMs`,
      given.callTimeoutMs,
      CLIENT_DEFAULTS.callTimeoutMs,
      1,
      MAX_TIMER_MS,
    ),
    username: given.username || undefined,
    password: given.password,
    tls,
  };
}
