import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sleep } from './http';
import { freePort } from './ports';
import { startProcess, type ManagedProcess } from './processes';

/** Path of the etcd binary: ETCD_BIN, else `etcd` on the PATH (Debian's etcd-server package). */
export const ETCD_BIN = process.env['ETCD_BIN'] ?? 'etcd';

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
  ) {}

  /** Client endpoints of every member, for RINGCACHE_ETCD_ENDPOINTS. */
  get endpoints(): string[] {
    return this.members.map((m) => m.endpoint);
  }

  /** Starts `size` members (1 or 3) and waits until the cluster answers. */
  static async start(size = 1): Promise<EtcdCluster> {
    const root = mkdtempSync(join(tmpdir(), 'ringcache-etcd-'));
    const members: EtcdMember[] = [];
    for (let i = 1; i <= size; i++) {
      const clientPort = await freePort();
      const peerPort = await freePort();
      members.push({
        name: `etcd${i}`,
        clientPort,
        peerPort,
        endpoint: `http://127.0.0.1:${clientPort}`,
        dataDir: join(root, `etcd${i}`),
        process: undefined as unknown as ManagedProcess,
      });
    }
    const cluster = new EtcdCluster(members, `ringcache-test-${process.pid}-${Date.now()}`, root);
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
          const res = await fetch(`${member.endpoint}/health`, { signal: AbortSignal.timeout(1_000) });
          const body = (await res.json()) as { health?: string };
          if (res.status === 200 && body.health === 'true') break;
          last = JSON.stringify(body);
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
    const res = await fetch(`${member.endpoint}/v3/maintenance/status`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(1_000),
    });
    return (await res.json()) as { leader: string; header: { member_id: string } };
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
      ],
    });
  }
}
