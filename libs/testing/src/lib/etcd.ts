import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sleep, type ClientTlsFiles } from './http';
import { freePort } from './ports';
import { runToExit, startProcess, type ManagedProcess, type RunResult } from './processes';

/** Path of the etcd binary: ETCD_BIN, else `etcd` on the PATH (Debian's etcd-server package). */
export const ETCD_BIN = process.env['ETCD_BIN'] ?? 'etcd';
/** Path of the etcdctl binary: ETCDCTL_BIN, else `etcdctl` on the PATH (Debian's etcd-client package). */
export const ETCDCTL_BIN = process.env['ETCDCTL_BIN'] ?? 'etcdctl';

/** Options of {@link EtcdCluster.start}. */
export interface EtcdClusterOptions {
  /** Members to start: 1 or 3. Default 1. */
  size?: number;
  /**
   * Client TLS: members serve https with this certificate (`--cert-file --key-file`) and accept only clients
   * presenting a certificate signed by its CA (`--client-cert-auth --trusted-ca-file`). The test itself
   * presents the same certificate. Default none: plain http. Peer traffic stays plain (loopback).
   */
  tls?: ClientTlsFiles;
  /**
   * Periodic auto-compaction keeping this much history (`--auto-compaction-retention`, e.g. `1m`), as a
   * long-running etcd needs: without it every revision stays in memory and on disk. Default none: the
   * suites' members live for seconds.
   */
  autoCompaction?: string;
  /**
   * Applied entries between snapshots (`--snapshot-count`). etcd holds its raft log in memory until a
   * snapshot lets it drop the entries: a run that must see etcd's memory settle under steady writes sets this
   * below etcd's default of 100,000. Default: etcd's.
   */
  snapshotCount?: number;
}

/** Options of {@link EtcdCluster.etcdctl}. */
export interface EtcdctlOptions {
  /** `name:password` (etcdctl's --user). Default none: anonymous, or the certificate's CN under auth. */
  user?: string;
  /** The certificate to present instead of the cluster's own (clusters with TLS). */
  tls?: ClientTlsFiles;
}

/** One etcd member started by a test, on free loopback ports with a temp data dir. */
export interface EtcdMember {
  name: string;
  clientPort: number;
  peerPort: number;
  /** http://127.0.0.1:<clientPort> */
  endpoint: string;
  dataDir: string;
  process: ManagedProcess;
}

/**
 * A single etcd member or a 3-member cluster for end-to-end suites. Members can be killed and restarted
 * (same name, ports and data dir), and everything is removed by `stop()`.
 */
export class EtcdCluster {
  private constructor(
    readonly members: EtcdMember[],
    private readonly token: string,
    private readonly root: string,
    /** The certificate members serve with and the test presents, when the cluster runs client TLS. */
    readonly tls?: ClientTlsFiles,
    private readonly extraArgs: string[] = [],
  ) {}

  /** Client endpoints of every member, for RINGCACHE_ETCD_ENDPOINTS. */
  get endpoints(): string[] {
    return this.members.map((m) => m.endpoint);
  }

  /** Starts `size` members (1 or 3), or members as `options` say, and waits until the cluster answers. */
  static async start(sizeOrOptions: number | EtcdClusterOptions = 1): Promise<EtcdCluster> {
    const options = typeof sizeOrOptions === 'number' ? { size: sizeOrOptions } : sizeOrOptions;
    const size = options.size ?? 1;
    const scheme = options.tls ? 'https' : 'http';
    const root = mkdtempSync(join(tmpdir(), 'ringcache-etcd-'));
    const members: EtcdMember[] = [];
    for (let i = 1; i <= size; i++) {
      const clientPort = await freePort();
      const peerPort = await freePort();
      members.push({
        name: `etcd${i}`,
        clientPort,
        peerPort,
        endpoint: `${scheme}://127.0.0.1:${clientPort}`,
        dataDir: join(root, `etcd${i}`),
        process: undefined as unknown as ManagedProcess,
      });
    }
    const token = `ringcache-test-${process.pid}-${Date.now()}`;
    const extraArgs = [
      ...(options.autoCompaction
        ? ['--auto-compaction-mode=periodic', `--auto-compaction-retention=${options.autoCompaction}`]
        : []),
      ...(options.snapshotCount ? [`--snapshot-count=${options.snapshotCount}`] : []),
    ];
    const cluster = new EtcdCluster(members, token, root, options.tls, extraArgs);
    for (const member of members) cluster.launch(member, 'new');
    try {
      await cluster.waitHealthy(30_000);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The member currently leading, by asking each member's /v3/maintenance/status. */
  async leader(): Promise<EtcdMember> {
    for (const member of this.members.filter((m) => m.process.alive)) {
      const status = await this.status(member).catch(() => undefined);
      if (status && status.leader === status.header.member_id) return member;
    }
    throw new Error('no etcd leader found');
  }

  /** Kills a member with SIGKILL. */
  async kill(member: EtcdMember): Promise<void> {
    await member.process.kill();
  }

  /** Restarts a stopped member with its old data dir and ports, and waits until it answers. */
  async restart(member: EtcdMember): Promise<void> {
    if (member.process.alive) throw new Error(`${member.name} is still running`);
    this.launch(member, 'existing');
    await this.waitHealthy(30_000, [member]);
  }

  /**
   * Runs `etcdctl` (API v3) against every member, presenting the cluster's certificate when it runs TLS;
   * resolves with its exit code and output, whether it succeeded or not.
   */
  etcdctl(args: string[], options: EtcdctlOptions = {}): Promise<RunResult> {
    const tls = options.tls ?? this.tls;
    return runToExit(
      {
        name: 'etcdctl',
        command: ETCDCTL_BIN,
        args: [
          `--endpoints=${this.endpoints.join(',')}`,
          '--dial-timeout=3s',
          ...(tls ? [`--cacert=${tls.caFile}`, `--cert=${tls.certFile}`, `--key=${tls.keyFile}`] : []),
          ...(options.user ? [`--user=${options.user}`] : []),
          ...args,
        ],
        env: { PATH: process.env['PATH'], ETCDCTL_API: '3' },
      },
      15_000,
    );
  }

  /** Stops every member and removes the data dirs. */
  async stop(): Promise<void> {
    await Promise.all(
      this.members.filter((m) => m.process?.alive).map((m) => m.process.stop('SIGTERM', 5_000)),
    );
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Waits until every given member (default all live ones) reports healthy. */
  async waitHealthy(
    timeoutMs = 30_000,
    members = this.members.filter((m) => m.process.alive),
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const member of members) {
      let last = '';
      for (;;) {
        if (!member.process.alive) throw new Error(`${member.name} exited:\n${member.process.output()}`);
        try {
          const res = await this.call(member, '/health');
          const body = JSON.parse(res.body) as { health?: string };
          if (res.status === 200 && body.health === 'true') break;
          last = res.body;
        } catch (error) {
          last = (error as Error).message;
        }
        if (Date.now() > deadline)
          throw new Error(
            `${member.name} not healthy within ${timeoutMs} ms (${last})\n${member.process.output()}`,
          );
        await sleep(100);
      }
    }
  }

  private async status(member: EtcdMember): Promise<{ leader: string; header: { member_id: string } }> {
    const res = await this.call(member, '/v3/maintenance/status', '{}');
    return JSON.parse(res.body) as { leader: string; header: { member_id: string } };
  }

  /** GET `path` of a member's client URL (POST when there is a body), presenting the certificate under TLS. */
  private call(member: EtcdMember, path: string, body?: string): Promise<{ status: number; body: string }> {
    const tls = this.tls;
    const secure = tls
      ? { ca: readFileSync(tls.caFile), cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }
      : {};
    const request = tls ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        `${member.endpoint}${path}`,
        { method: body === undefined ? 'GET' : 'POST', agent: false, timeout: 1_000, ...secure },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('no answer within 1000 ms')));
      req.on('error', reject);
      req.end(body);
    });
  }

  private launch(member: EtcdMember, state: 'new' | 'existing'): void {
    const peers = this.members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
    member.process = startProcess({
      name: member.name,
      command: ETCD_BIN,
      args: [
        '--name',
        member.name,
        '--data-dir',
        member.dataDir,
        '--listen-client-urls',
        member.endpoint,
        '--advertise-client-urls',
        member.endpoint,
        '--listen-peer-urls',
        `http://127.0.0.1:${member.peerPort}`,
        '--initial-advertise-peer-urls',
        `http://127.0.0.1:${member.peerPort}`,
        '--initial-cluster',
        peers,
        '--initial-cluster-token',
        this.token,
        '--initial-cluster-state',
        state,
        // Fast elections on loopback, so a killed leader is replaced within about a second.
        '--heartbeat-interval',
        '100',
        '--election-timeout',
        '1000',
        '--log-level',
        'warn',
        ...this.extraArgs,
        ...(this.tls
          ? [
              `--cert-file=${this.tls.certFile}`,
              `--key-file=${this.tls.keyFile}`,
              '--client-cert-auth',
              `--trusted-ca-file=${this.tls.caFile}`,
            ]
          : []),
      ],
    });
  }
}
