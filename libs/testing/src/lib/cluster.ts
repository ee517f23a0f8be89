import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { waitForHttp, type ClientTlsFiles } from './http';
import { scrapeMetrics, sumMetric, type Sample } from './metrics';
import { freePort } from './ports';
import { startProcess, type ManagedProcess } from './processes';
import { builtApp } from './workspace';

/** A node of the static list as the config's RINGCACHE_NODES takes it. */
export interface StaticNode {
  name: string;
  grpc: string;
  http: string;
}

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** Cache nodes to start. Default 3. */
  nodes?: number;
  /** Peer protocol. Default grpc. */
  transport?: 'grpc' | 'http';
  /** Start a gateway too. Default true. */
  gateway?: boolean;
  /** MySQL URL for the loaders; default: a fresh SQLite file in the cluster's temp dir. */
  mysqlUrl?: string;
  /** Group settings, as RINGCACHE_GROUPS takes them (e.g. `{ scores: { negativeTtl: '1s' } }`). */
  groups?: Record<string, Record<string, unknown>>;
  /** Extra environment for every process. */
  env?: NodeJS.ProcessEnv;
  /** The static list node i is given. Default: every node (they agree). */
  staticListFor?: (all: StaticNode[], index: number) => StaticNode[];
  /** Milliseconds to wait for each process to be ready. Default 30,000. */
  readyTimeoutMs?: number;
  /**
   * Discover through etcd instead of a static list: the members' client URLs, the cluster name, and how to
   * sign in — a user (RINGCACHE_ETCD_USERNAME/PASSWORD) and a client certificate (RINGCACHE_ETCD_TLS_*),
   * for an etcd with auth or client TLS. Default sign-in: none.
   */
  etcd?: {
    endpoints: string[];
    cluster?: string;
    leaseTtlSeconds?: number;
    username?: string;
    password?: string;
    tls?: ClientTlsFiles;
  };
  /**
   * Mutual TLS between every process, with these files (RINGCACHE_TLS_*): nodes' URLs are then https,
   * and readiness is polled presenting the same certificate. Default none.
   */
  tls?: ClientTlsFiles;
}

/** A running cache node. */
export interface NodeHandle {
  name: string;
  grpcPort: number;
  httpPort: number;
  /** Base URL of the node's HTTP endpoint, e.g. http://127.0.0.1:41234. */
  url: string;
  process: ManagedProcess;
}

/** A running ttl-worker. */
export interface WorkerHandle {
  name: string;
  port: number;
  url: string;
  process: ManagedProcess;
}

/** A running gateway. */
export interface GatewayHandle {
  port: number;
  url: string;
  process: ManagedProcess;
}

/**
 * A local ringcache cluster of real processes (the built apps from dist/) on free loopback ports, for
 * end-to-end suites. Everything runs in a temp dir of its own, so the repo's config/ringcache.yaml and
 * the default ports are never used.
 */
export class TestCluster {
  constructor(
    readonly nodes: NodeHandle[],
    readonly gateway: GatewayHandle | undefined,
    readonly dir: string,
    readonly staticNodes: StaticNode[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly readyTimeoutMs: number,
    /** The certificate every process presents, when the cluster runs mutual TLS. */
    readonly tls?: ClientTlsFiles,
  ) {}

  /** Gateways started by addGateway. */
  readonly extraGateways: GatewayHandle[] = [];
  /** ttl-workers started by addTtlWorker. */
  readonly ttlWorkers: WorkerHandle[] = [];

  /**
   * Starts another gateway on the same cluster (each has its own near cache), with `extraEnv` over the
   * cluster's settings, and waits until it is ready.
   */
  async addGateway(
    name = `gateway${this.extraGateways.length + 2}`,
    extraEnv: NodeJS.ProcessEnv = {},
  ): Promise<GatewayHandle> {
    const gateway = await launchGateway(name, { ...this.env, ...extraEnv }, this.staticNodes, this.dir);
    this.extraGateways.push(gateway);
    await waitForReady(gateway.url, gateway.process, this.readyTimeoutMs);
    return gateway;
  }

  /**
   * Starts a ttl-worker with the cluster's settings (etcd clusters), and waits until /healthz answers.
   * Several may run; one leads.
   */
  async addTtlWorker(name = `ttl-worker${this.ttlWorkers.length + 1}`): Promise<WorkerHandle> {
    const port = await freePort();
    const worker: WorkerHandle = {
      name,
      port,
      url: `http://127.0.0.1:${port}`,
      process: startProcess({
        name,
        command: process.execPath,
        args: [builtApp('ttl-worker')],
        cwd: this.dir,
        env: { ...this.env, RINGCACHE_TTL_WORKER_PORT: String(port) },
      }),
    };
    this.ttlWorkers.push(worker);
    await waitForHttp(`${worker.url}/healthz`, this.readyTimeoutMs, {
      alive: () => worker.process.alive,
      describe: () => `${name} output:\n${worker.process.output()}`,
    });
    return worker;
  }

  /**
   * Starts one more node with the cluster's settings (etcd clusters: it registers and everyone sees it)
   * and waits until it is ready. Also used to start a node again under a name it had before. `ports`
   * fixes its gRPC and HTTP ports (default: free ones), for a test that put something in front of them.
   */
  async addNode(
    name = `node${this.nodes.length + 1}`,
    extraEnv: NodeJS.ProcessEnv = {},
    ports: { grpc?: number; http?: number } = {},
  ): Promise<NodeHandle> {
    const self: StaticNode = {
      name,
      grpc: `127.0.0.1:${ports.grpc ?? (await freePort())}`,
      http: `127.0.0.1:${ports.http ?? (await freePort())}`,
    };
    const list = this.env['RINGCACHE_ETCD_ENDPOINTS'] ? [] : [...this.staticNodes, self];
    const node: NodeHandle = {
      name,
      grpcPort: Number(self.grpc.split(':')[1]),
      httpPort: Number(self.http.split(':')[1]),
      url: `${this.tls ? 'https' : 'http'}://${self.http}`,
      process: startNode(self, list, { ...this.env, ...extraEnv }, this.dir),
    };
    await waitForReady(node.url, node.process, this.readyTimeoutMs, this.tls);
    this.nodes.push(node);
    return node;
  }

  /**
   * Starts a stopped (or killed) node again under its name, on the same ports, with the cluster's settings,
   * and waits until it is ready: a crashed process coming back.
   */
  async restartNode(name: string): Promise<NodeHandle> {
    const node = this.node(name);
    if (node.process.alive) throw new Error(`${name} is still running`);
    const self = this.staticNodes.find((n) => n.name === name) ?? {
      name,
      grpc: `127.0.0.1:${node.grpcPort}`,
      http: `127.0.0.1:${node.httpPort}`,
    };
    const list = this.env['RINGCACHE_ETCD_ENDPOINTS'] ? [] : this.staticNodes;
    node.process = startNode(self, list, this.env, this.dir);
    await waitForReady(node.url, node.process, this.readyTimeoutMs, this.tls);
    return node;
  }

  /** The node called `name`. */
  node(name: string): NodeHandle {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name} in this cluster`);
    return node;
  }

  /** Every node's /metrics, scraped now (stopped nodes skipped). */
  async metrics(): Promise<Map<string, Sample[]>> {
    const live = this.nodes.filter((n) => n.process.alive);
    const pages = await Promise.all(live.map((n) => scrapeMetrics(`${n.url}/metrics`, this.tls)));
    return new Map(live.map((n, i) => [n.name, pages[i]]));
  }

  /** Sum of a metric over every live node. */
  async sum(name: string, where: Record<string, string> = {}): Promise<number> {
    let total = 0;
    for (const samples of (await this.metrics()).values()) total += sumMetric(samples, name, where);
    return total;
  }

  /** Stops every process (SIGTERM, then SIGKILL after a grace period) and removes the temp dir. */
  async stop(): Promise<void> {
    const all = [
      ...this.nodes.map((n) => n.process),
      ...(this.gateway ? [this.gateway.process] : []),
      ...this.extraGateways.map((g) => g.process),
      ...this.ttlWorkers.map((w) => w.process),
    ];
    await Promise.all(all.map((p) => p.stop('SIGTERM', 5_000)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Environment shared by every process of a cluster. */
function baseEnv(options: ClusterOptions, dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    NODE_ENV: 'test',
    RINGCACHE_LOG_LEVEL: 'warn',
    RINGCACHE_PEERS_TRANSPORT: options.transport ?? 'grpc',
    ...(options.mysqlUrl
      ? { RINGCACHE_MYSQL_URL: options.mysqlUrl }
      : { RINGCACHE_SQLITE_PATH: join(dir, 'ringcache.sqlite') }),
    ...(options.groups ? { RINGCACHE_GROUPS: JSON.stringify(options.groups) } : {}),
    ...(options.tls
      ? {
          RINGCACHE_TLS_CA_FILE: options.tls.caFile,
          RINGCACHE_TLS_CERT_FILE: options.tls.certFile,
          RINGCACHE_TLS_KEY_FILE: options.tls.keyFile,
        }
      : {}),
    ...(options.etcd
      ? {
          RINGCACHE_ETCD_ENDPOINTS: options.etcd.endpoints.join(','),
          RINGCACHE_CLUSTER: options.etcd.cluster ?? 'e2e',
          RINGCACHE_ETCD_LEASE_TTL_SECONDS: String(options.etcd.leaseTtlSeconds ?? 5),
          ...etcdSignIn(options.etcd),
        }
      : {}),
    ...options.env,
  };
  return env;
}

/** The environment that signs a process in to etcd (user, client certificate), for what is given. */
function etcdSignIn(etcd: NonNullable<ClusterOptions['etcd']>): NodeJS.ProcessEnv {
  return {
    ...(etcd.username ? { RINGCACHE_ETCD_USERNAME: etcd.username } : {}),
    ...(etcd.password ? { RINGCACHE_ETCD_PASSWORD: etcd.password } : {}),
    ...(etcd.tls
      ? {
          RINGCACHE_ETCD_TLS_CA_FILE: etcd.tls.caFile,
          RINGCACHE_ETCD_TLS_CERT_FILE: etcd.tls.certFile,
          RINGCACHE_ETCD_TLS_KEY_FILE: etcd.tls.keyFile,
        }
      : {}),
  };
}

/** Starts a cache node process for `self`, with the static list `list`. */
export function startNode(
  self: StaticNode,
  list: StaticNode[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): ManagedProcess {
  return startProcess({
    name: self.name,
    command: process.execPath,
    args: [builtApp('cache-node')],
    cwd,
    env: {
      ...env,
      RINGCACHE_NODE_NAME: self.name,
      RINGCACHE_NODE_GRPC_PORT: self.grpc.split(':')[1],
      RINGCACHE_NODE_HTTP_PORT: self.http.split(':')[1],
      ...(list.length > 0 ? { RINGCACHE_NODES: JSON.stringify(list) } : {}),
    },
  });
}

/** Starts a gateway process on a free port (with the static list, unless the cluster uses etcd). */
async function launchGateway(
  name: string,
  env: NodeJS.ProcessEnv,
  staticNodes: StaticNode[],
  dir: string,
): Promise<GatewayHandle> {
  const port = await freePort();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    process: startProcess({
      name,
      command: process.execPath,
      args: [builtApp('gateway')],
      cwd: dir,
      env: {
        ...env,
        RINGCACHE_GATEWAY_PORT: String(port),
        ...(env['RINGCACHE_ETCD_ENDPOINTS'] ? {} : { RINGCACHE_NODES: JSON.stringify(staticNodes) }),
      },
    }),
  };
}

/**
 * Waits for a process's /readyz to answer 200 (presenting `tls`, for a node with mutual TLS); fails at
 * once, with its output, if it exits.
 */
export function waitForReady(
  url: string,
  process: ManagedProcess,
  timeoutMs = 30_000,
  tls?: ClientTlsFiles,
): Promise<void> {
  return waitForHttp(`${url}/readyz`, timeoutMs, {
    alive: () => process.alive,
    describe: () => `${process.name} output:\n${process.output()}`,
    tls,
  });
}

/** Starts a cluster and waits until every process is ready. */
export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'ringcache-e2e-'));
  const env = baseEnv(options, dir);
  const count = options.nodes ?? 3;
  const staticNodes: StaticNode[] = [];
  for (let i = 1; i <= count; i++) {
    staticNodes.push({
      name: `node${i}`,
      grpc: `127.0.0.1:${await freePort()}`,
      http: `127.0.0.1:${await freePort()}`,
    });
  }
  const listFor = options.etcd ? () => [] : (options.staticListFor ?? ((all) => all));
  const nodes: NodeHandle[] = staticNodes.map((self, i) => ({
    name: self.name,
    grpcPort: Number(self.grpc.split(':')[1]),
    httpPort: Number(self.http.split(':')[1]),
    url: `${options.tls ? 'https' : 'http'}://${self.http}`,
    process: startNode(self, listFor(staticNodes, i), env, dir),
  }));
  let gateway: GatewayHandle | undefined;
  if (options.gateway ?? true) gateway = await launchGateway('gateway', env, staticNodes, dir);
  const timeout = options.readyTimeoutMs ?? 30_000;
  const cluster = new TestCluster(nodes, gateway, dir, staticNodes, env, timeout, options.tls);
  try {
    await Promise.all([
      ...nodes.map((n) => waitForReady(n.url, n.process, timeout, options.tls)),
      ...(gateway ? [waitForReady(gateway.url, gateway.process, timeout)] : []),
    ]);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
