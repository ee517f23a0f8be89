import { HIDDEN, redactUrl } from './redact';
import type { GroupConfig, RingcacheConfig } from './ringcache-config';
import { formatBytes, formatDuration } from './units';

/** The process a summary is for: each prints only the sections it uses. */
export type ConfigReader = 'node' | 'gateway' | 'ttl-worker';

/** Sections a process does not read (each line starts with its section's name). */
const UNUSED: Record<ConfigReader, readonly string[]> = {
  node: ['gateway', 'gateway security', 'ttlWorker'],
  // The gateway reads groups for their hot-key settings (its near cache counts hits).
  gateway: ['node', 'ttlWorker', 'mysql', 'sqlite', 'demo'],
  'ttl-worker': ['node', 'gateway', 'gateway security', 'mysql', 'sqlite', 'demo', 'groups'],
};

/**
 * A short summary for the startup log, one line per section, e.g. `peers: grpc, deadline 3s, 160 vnodes,
 * 8 probes`; with `reader`, only the sections that process uses. Passwords never appear: the etcd password
 * shows as "(hidden)", a MySQL URL's as `***`.
 */
export function describeConfig(config: RingcacheConfig, reader?: ConfigReader): string {
  const lines = describeSections(config);
  const unused = reader ? UNUSED[reader] : [];
  return lines.filter((line) => !unused.includes(line.slice(0, line.indexOf(':')))).join('\n');
}

function describeSections(config: RingcacheConfig): string[] {
  const { node, peers, gateway, ttlWorker, mysql, etcd } = config;
  const usingEtcd = etcd.endpoints.length > 0;
  const lines = [
    `cluster: ${config.cluster} (${config.source.file ? `file ${config.source.file}` : 'no file'})`,
    `node: ${node.name} on ${node.host}, grpc ${node.grpcPort}, http ${node.httpPort}, advertised as ${node.advertiseHost}, at most ${node.maxInFlight} requests in flight, requests received within ${formatDuration(node.requestTimeoutMs)}`,
    `peers: ${peers.transport}, deadline ${formatDuration(peers.deadlineMs)}, ${peers.vnodes} vnodes, ${peers.probes} probes, batches of ${peers.batchMaxKeys} keys ${peers.batchWindowMs ? `within ${peers.batchWindowMs} ms` : 'per tick'}, ${peers.outlierFailures ? `skip a node for ${formatDuration(peers.outlierCooldownMs)} after ${peers.outlierFailures} failures in a row` : 'never skip a node'}`,
    `nodes: ${config.nodes.map((n) => `${n.name} ${n.grpc}/${n.http}`).join(', ') || 'none'}${usingEtcd ? ' (unused: etcd)' : ''}`,
    `gateway: ${gateway.host}:${gateway.port}, keys up to ${formatBytes(gateway.maxKeyBytes)}, values up to ${formatBytes(gateway.maxValueBytes)}`,
    `gateway security: ${describeGatewaySecurity(config)}`,
    `ttlWorker: ${ttlWorker.host}:${ttlWorker.port}`,
    mysql.url
      ? `mysql: ${redactUrl(mysql.url)}, pool ${mysql.poolSize}, connect timeout ${formatDuration(mysql.connectTimeoutMs)}`
      : 'mysql: none (using sqlite)',
    `sqlite: ${config.sqlite.path}${mysql.url ? ' (unused: mysql)' : ''}`,
    `demo: seed ${config.demo.seed ? 'on' : 'off'}`,
    usingEtcd ? `etcd: ${describeEtcd(config)}` : 'etcd: none (static membership from nodes)',
    `groups: ${
      Object.entries(config.groups)
        .map(([name, group]) => describeGroup(name, group))
        .join(', ') || 'none'
    }`,
    config.tls.caFile
      ? `tls: mutual, ca ${config.tls.caFile}, cert ${config.tls.certFile}, key ${config.tls.keyFile}`
      : 'tls: none (plaintext between processes)',
    `security: ${config.security.insecure ? 'insecure (protected mode off)' : 'protected mode on'}`,
    `log: ${config.log.level}, ${config.log.format}, slow requests ${
      config.log.slowRequestMs > 0 ? `from ${formatDuration(config.log.slowRequestMs)}` : 'not logged'
    }`,
  ];
  return lines;
}

function describeEtcd({ etcd }: RingcacheConfig): string {
  const parts = [
    etcd.endpoints.join(' '),
    `dial timeout ${formatDuration(etcd.dialTimeoutMs)}`,
    `lease ${etcd.leaseTtlSeconds}s`,
  ];
  if (etcd.username) parts.push(`user ${etcd.username}`);
  if (etcd.password) parts.push(`password ${HIDDEN}`);
  const tls = (['caFile', 'certFile', 'keyFile'] as const).filter((key) => etcd.tls[key]);
  if (tls.length > 0) parts.push(`tls ${tls.map((key) => `${key} ${etcd.tls[key]}`).join(' ')}`);
  return parts.join(', ');
}

/** HTTPS, API keys by name and scope (never digests), the in-flight bound, protected mode. */
function describeGatewaySecurity({ gateway, security }: RingcacheConfig): string {
  const keys = gateway.apiKeys.map((key) => {
    const rate = key.rateLimit ? ` ${key.rateLimit.perSecond}/s burst ${key.rateLimit.burst}` : '';
    return `${key.name} (${key.scopes.join('+')}${rate})`;
  });
  return [
    gateway.tls.certFile ? `https (cert ${gateway.tls.certFile}, key ${gateway.tls.keyFile})` : 'http',
    keys.length > 0 ? `api keys ${keys.join(', ')}` : 'no api keys',
    `at most ${gateway.maxInFlight} requests in flight`,
    `requests received within ${formatDuration(gateway.requestTimeoutMs)}`,
    `at most ${gateway.maxEventStreams} event streams`,
    ...(security.insecure ? ['insecure: protected mode off'] : []),
  ].join(', ');
}

function describeGroup(name: string, group: GroupConfig): string {
  const ttl = group.ttlMs === 0 ? 'never' : formatDuration(group.ttlMs);
  return (
    `${name} (${formatBytes(group.maxBytes)}, ttl ${ttl}, negative ttl ${formatDuration(group.negativeTtlMs)}, ` +
    `hot ${group.hotShare * 100}%, load timeout ${formatDuration(group.loadTimeoutMs)}, ` +
    `hot keys ${group.hotKeyCapacity ? `${group.hotKeyCapacity} over ${formatDuration(group.hotKeyWindowMs)}` : 'not counted'})`
  );
}
