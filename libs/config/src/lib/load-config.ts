import { hostname } from 'node:os';
import { resolve } from 'node:path';

import { readConfigFile } from './config-file';
import { ConfigError } from './errors';
import { resolveGroups } from './groups';
import type { RingcacheConfig } from './ringcache-config';
import { Resolver } from './resolver';
import { checkRules } from './rules';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Environment to read RINGCACHE_* variables from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Directory that relative paths (the config file, sqlite.path) resolve against. Default `process.cwd()`. */
  cwd?: string;
  /** YAML file to read; it must exist. Default: RINGCACHE_CONFIG, else `<cwd>/config/ringcache.yaml` if present. */
  file?: string;
}

/**
 * Exit code of a process stopped by bad configuration: 2, the usual code for incorrect usage, so that a
 * supervisor can tell it from a crash (1) and not restart in a loop.
 */
export const CONFIG_EXIT_CODE = 2;

/**
 * Reads and validates the configuration: defaults, overridden by the YAML file, overridden by RINGCACHE_*
 * environment variables. Returns it deeply frozen; throws a {@link ConfigError} listing every problem.
 */
export function loadConfig(options: LoadConfigOptions = {}): RingcacheConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const { file, issues } = readConfigFile(options.file, env, cwd);
  const resolver = new Resolver(env, file);
  const config = derive(build(resolver, file?.path), cwd);
  checkRules(config, resolver);
  const all = [...issues, ...resolver.issues];
  if (all.length > 0) throw new ConfigError(all);
  return deepFreeze(config);
}

/**
 * {@link loadConfig} for an app's main file: on a {@link ConfigError} it prints the problems to stderr
 * and exits with code 2, so a misconfigured process stops at once with a readable message instead of a
 * stack trace. Any other error is rethrown.
 */
export function loadConfigOrExit(options?: LoadConfigOptions): RingcacheConfig {
  try {
    return loadConfig(options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return process.exit(CONFIG_EXIT_CODE);
  }
}

/** Every setting as configured, read in file order so that issues come in that order too. */
function build(r: Resolver, file: string | undefined): RingcacheConfig {
  return {
    cluster: r.get('cluster'),
    node: {
      name: r.get('node.name'),
      host: r.get('node.host'),
      advertiseHost: r.get('node.advertiseHost'),
      grpcPort: r.get('node.grpcPort'),
      httpPort: r.get('node.httpPort'),
      maxInFlight: r.get('node.maxInFlight'),
      requestTimeoutMs: r.get('node.requestTimeoutMs'),
    },
    peers: {
      transport: r.get('peers.transport'),
      deadlineMs: r.get('peers.deadlineMs'),
      vnodes: r.get('peers.vnodes'),
      probes: r.get('peers.probes'),
      batchWindowMs: r.get('peers.batchWindowMs'),
      batchMaxKeys: r.get('peers.batchMaxKeys'),
      outlierFailures: r.get('peers.outlierFailures'),
      outlierCooldownMs: r.get('peers.outlierCooldown'),
    },
    nodes: r.get('nodes'),
    gateway: {
      host: r.get('gateway.host'),
      port: r.get('gateway.port'),
      maxKeyBytes: r.get('gateway.maxKeyBytes'),
      maxValueBytes: r.get('gateway.maxValueBytes'),
      nearCacheBytes: r.get('gateway.nearCacheBytes'),
      tls: { certFile: r.get('gateway.tls.certFile'), keyFile: r.get('gateway.tls.keyFile') },
      apiKeys: r.get('gateway.apiKeys'),
      maxInFlight: r.get('gateway.maxInFlight'),
      requestTimeoutMs: r.get('gateway.requestTimeoutMs'),
      maxEventStreams: r.get('gateway.maxEventStreams'),
    },
    ttlWorker: { host: r.get('ttlWorker.host'), port: r.get('ttlWorker.port') },
    mysql: {
      url: r.get('mysql.url'),
      connectTimeoutMs: r.get('mysql.connectTimeoutMs'),
      poolSize: r.get('mysql.poolSize'),
    },
    sqlite: { path: r.get('sqlite.path') },
    demo: { seed: r.get('demo.seed') },
    etcd: {
      endpoints: r.get('etcd.endpoints'),
      dialTimeoutMs: r.get('etcd.dialTimeoutMs'),
      leaseTtlSeconds: r.get('etcd.leaseTtlSeconds'),
      username: r.get('etcd.username'),
      password: r.get('etcd.password'),
      tls: {
        caFile: r.get('etcd.tls.caFile'),
        certFile: r.get('etcd.tls.certFile'),
        keyFile: r.get('etcd.tls.keyFile'),
      },
    },
    tls: { caFile: r.get('tls.caFile'), certFile: r.get('tls.certFile'), keyFile: r.get('tls.keyFile') },
    groups: resolveGroups(r),
    log: {
      level: r.get('log.level'),
      format: r.get('log.format'),
      slowRequestMs: r.get('log.slowRequestMs'),
    },
    security: { insecure: r.get('security.insecure') },
    source: file === undefined ? {} : { file },
  };
}

/** The settings whose default depends on other settings or on the machine, filled in. */
function derive(config: RingcacheConfig, cwd: string): RingcacheConfig {
  const { node, sqlite, tls } = config;
  const absolute = (path: string) => (path === '' ? path : resolve(cwd, path));
  return {
    ...config,
    node: {
      ...node,
      name: node.name || defaultNodeName(node.grpcPort),
      advertiseHost: node.advertiseHost || (WILDCARDS.has(node.host) ? hostname() : node.host),
    },
    // Absolute, so that the path in logs is the file opened, whatever directory a library later uses.
    sqlite: { path: sqlite.path === ':memory:' ? sqlite.path : resolve(cwd, sqlite.path) },
    tls: { caFile: absolute(tls.caFile), certFile: absolute(tls.certFile), keyFile: absolute(tls.keyFile) },
  };
}

/** Listen addresses that peers cannot dial: the node advertises its host name instead. */
const WILDCARDS = new Set(['0.0.0.0', '::']);

/** `<os hostname>-<grpcPort>`, made to fit the node-name rules (A-Z a-z 0-9 _ . -, at most 64). */
function defaultNodeName(grpcPort: number): string {
  const suffix = `-${grpcPort}`;
  const host = hostname().replace(/[^A-Za-z0-9_.-]/g, '-') || 'node';
  return host.slice(0, 64 - suffix.length) + suffix;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
