import { accessSync, constants } from 'node:fs';

import { DEFAULT_GROUP } from './groups';
import type { RingcacheConfig } from './ringcache-config';
import { type Resolver, describeOrigin } from './resolver';

/**
 * Rules between settings, checked once each setting is valid on its own (a rejected setting is skipped:
 * its own message already says what to fix). Single-value rules live in readers.ts.
 */
export function checkRules(config: RingcacheConfig, resolver: Resolver): void {
  checkLoadTimeouts(config, resolver);
  checkNodePorts(config, resolver);
  checkTlsPair(config, resolver);
  checkGatewayTlsPair(config, resolver);
  checkMutualTls(config, resolver);
  checkGroupSources(config, resolver);
}

/** A table-backed group needs all three of table, keyColumn and valueColumn. */
function checkGroupSources(config: RingcacheConfig, resolver: Resolver): void {
  for (const [name, group] of Object.entries(config.groups)) {
    const fields = ['table', 'keyColumn', 'valueColumn'] as const;
    if (!group.source || fields.some((field) => resolver.isRejected(`groups.${name}.${field}`))) continue;
    const given = fields.find((field) => group.source?.[field] !== '') as string;
    for (const field of fields) {
      if (group.source[field] !== '') continue;
      resolver.issue(
        `groups.${name}.${field}`,
        `must be set too: a group read from a table needs table, keyColumn and valueColumn`,
        resolver.originOf(`groups.${name}.${given}`),
      );
    }
  }
}

/**
 * A load must give up before the caller's deadline: otherwise the caller times out first and retries the
 * key on the next owner while the first load still runs, doubling the load on the database.
 */
function checkLoadTimeouts(config: RingcacheConfig, resolver: Resolver): void {
  const deadline = 'peers.deadlineMs';
  if (resolver.isRejected(deadline)) return;
  const { deadlineMs } = config.peers;
  const deadlineFrom = describeOrigin(resolver.originOf(deadline));
  for (const [name, group] of Object.entries(config.groups)) {
    const label = `groups.${name}.loadTimeout`;
    if (resolver.isRejected(label) || group.loadTimeoutMs < deadlineMs) continue;
    resolver.issue(
      label,
      `must be shorter than peers.deadlineMs (${deadlineMs} ms, ${deadlineFrom}), got ${group.loadTimeoutMs} ms`,
      resolver.originOf(label),
    );
  }
  // Groups an app registers without configuring them get DEFAULT_GROUP; the deadline must suit them too.
  if (DEFAULT_GROUP.loadTimeoutMs >= deadlineMs) {
    resolver.issue(
      deadline,
      `must be longer than the default group loadTimeout (${DEFAULT_GROUP.loadTimeoutMs} ms), got ${deadlineMs}`,
      resolver.originOf(deadline),
    );
  }
}

/** One node cannot serve gRPC and HTTP on the same port (0, "pick a free one", is fine twice). */
function checkNodePorts(config: RingcacheConfig, resolver: Resolver): void {
  const { grpcPort, httpPort } = config.node;
  if (resolver.isRejected('node.grpcPort') || resolver.isRejected('node.httpPort')) return;
  if (grpcPort !== 0 && grpcPort === httpPort) {
    const grpcFrom = describeOrigin(resolver.originOf('node.grpcPort'));
    resolver.issue(
      'node.httpPort',
      `must differ from node.grpcPort (${grpcFrom}), got ${httpPort}`,
      resolver.originOf('node.httpPort'),
    );
  }
}

/** A client certificate is useless without its key, and the other way round. */
function checkTlsPair(config: RingcacheConfig, resolver: Resolver): void {
  checkPair('etcd.tls', config.etcd.tls, resolver);
}

/** The gateway's HTTPS certificate needs its key, and the other way round. */
function checkGatewayTlsPair(config: RingcacheConfig, resolver: Resolver): void {
  checkPair('gateway.tls', config.gateway.tls, resolver);
}

function checkPair(section: string, files: { certFile: string; keyFile: string }, resolver: Resolver): void {
  const { certFile, keyFile } = files;
  if ((certFile === '') === (keyFile === '')) return;
  const [missing, present] = certFile === '' ? ['certFile', 'keyFile'] : ['keyFile', 'certFile'];
  // The origin quoted is the present one's: that is the setting someone wrote, perhaps by mistake.
  const origin = resolver.originOf(`${section}.${present}`);
  resolver.issue(`${section}.${missing}`, `must be set too, since ${section}.${present} is set`, origin);
}

/** Mutual TLS needs the CA, the certificate and its key, each a file this process can read. */
function checkMutualTls(config: RingcacheConfig, resolver: Resolver): void {
  const fields = ['caFile', 'certFile', 'keyFile'] as const;
  const given = fields.filter((field) => config.tls[field] !== '');
  if (given.length === 0) return;
  for (const field of fields) {
    const label = `tls.${field}`;
    if (config.tls[field] === '') {
      const present = `tls.${given[0]}`;
      resolver.issue(
        label,
        `must be set too, since ${present} is set: mutual TLS needs tls.caFile, tls.certFile and tls.keyFile`,
        resolver.originOf(present),
      );
      continue;
    }
    try {
      accessSync(config.tls[field], constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      resolver.issue(label, `cannot read ${config.tls[field]} (${code})`, resolver.originOf(label));
    }
  }
}
