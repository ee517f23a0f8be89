import type { Etcd3, Lease } from 'etcd3';

import type { Member } from '@ringcache/cache-core';

import { encodeEndpoint } from './endpoint-value';
import type { EtcdKeys } from './etcd-keys';
import type { DiscoveryLogger } from './etcd-membership';

/** Options of an {@link EtcdRegistration}. */
export interface EtcdRegistrationOptions {
  client: Etcd3;
  keys: EtcdKeys;
  /** This node as others should reach it. */
  self: Member;
  /** Lease time to live in seconds: how long a crashed node stays on the others' rings. */
  leaseTtlSeconds: number;
  /** The software version, published in the registration's metadata. */
  version: string;
  logger: DiscoveryLogger;
  /**
   * Called when the registration is found lost, and again right before it is written anew (registering
   * may take a while, etcd being away, and the node serves meanwhile): the others dropped this node from
   * their rings, and writes of its keys went elsewhere. Default none.
   */
  onLapse?: (reason: string) => void;
}

/** Another live node already uses this node's name. */
export class DuplicateNodeNameError extends Error {
  constructor(name: string, otherAddress: string) {
    super(
      `node name ${name} is already registered by another node at ${otherAddress}; ` +
        'give this node a unique name (node.name / RINGCACHE_NODE_NAME)',
    );
    this.name = 'DuplicateNodeNameError';
  }
}

/**
 * A node's registration in etcd: `node/<name>/<addr>` (its own service name) and `cache/<addr>` (the
 * top-level name), both under one lease kept alive in the background. If the lease is lost — etcd
 * restarted, a long pause — the node registers again by itself, retrying until etcd answers. `stop()`
 * revokes the lease, so every watcher drops the node at once instead of after the lease's TTL.
 */
export class EtcdRegistration {
  private readonly options: EtcdRegistrationOptions;
  private lease?: Lease;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;
  private registrations = 0;

  constructor(options: EtcdRegistrationOptions) {
    this.options = options;
  }

  /** Times the node has registered (1 after start; more after re-registering). */
  get count(): number {
    return this.registrations;
  }

  /** True while a lease is held. */
  get registered(): boolean {
    return this.lease !== undefined && !this.lease.revoked();
  }

  /**
   * Registers, failing with DuplicateNodeNameError when another address holds this node name. A
   * registration left by this same address (a restart within the lease TTL) is taken over.
   */
  async start(): Promise<void> {
    await this.checkName();
    await this.register();
    // Two nodes of one name starting at the same moment both pass checkName: the older registration
    // (lower create revision) wins, and the newer one steps back.
    const other = await this.olderHolder();
    if (other) {
      await this.stop();
      throw new DuplicateNodeNameError(this.options.self.name, other);
    }
  }

  /** Revokes the lease (deleting both keys) and stops re-registering. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const lease = this.lease;
    this.lease = undefined;
    if (lease && !lease.revoked()) {
      await lease.revoke().catch((error: Error) => {
        this.options.logger.warn(`could not revoke the etcd lease (${error.message}); it expires by itself`);
      });
    }
  }

  /** Registers again now if the lease is gone (called when a watcher sees this node's key deleted). */
  renew(reason: string): void {
    if (this.stopped || this.retryTimer) return;
    this.options.logger.warn(`etcd registration lost (${reason}); registering again`);
    this.lease?.release();
    this.lease = undefined;
    // Before the new registration puts this node back on the rings: what it holds is to be dropped first.
    this.options.onLapse?.(reason);
    this.scheduleRegister(0);
  }

  private async checkName(): Promise<void> {
    const { client, keys, self } = this.options;
    const existing = await client.getAll().prefix(keys.nodePrefix(self.name)).keys();
    const mine = keys.node(self.name, self.grpcAddress);
    const other = existing.find((key) => key !== mine);
    if (other) throw new DuplicateNodeNameError(self.name, other.slice(keys.nodePrefix(self.name).length));
  }

  private async olderHolder(): Promise<string | undefined> {
    const { client, keys, self } = this.options;
    const response = await client.getAll().prefix(keys.nodePrefix(self.name)).exec();
    const mine = keys.node(self.name, self.grpcAddress);
    const own = response.kvs.find((kv) => kv.key.toString() === mine);
    const older = response.kvs.find(
      (kv) =>
        kv.key.toString() !== mine && (!own || BigInt(kv.create_revision) < BigInt(own.create_revision)),
    );
    return older?.key.toString().slice(keys.nodePrefix(self.name).length);
  }

  private async register(): Promise<void> {
    const { client, keys, self, leaseTtlSeconds, version, logger } = this.options;
    const lease = client.lease(leaseTtlSeconds, { autoKeepAlive: true });
    lease.on('lost', (error) => {
      if (this.lease === lease) this.renew(`lease lost: ${error.message}`);
    });
    try {
      // When this process started, so a dashboard can show each node's uptime.
      const startedAt = new Date(Date.now() - process.uptime() * 1000).toISOString();
      const value = encodeEndpoint({ ...self, metadata: { ...self.metadata, startedAt } }, version);
      // Back on the rings with the puts below: drop what was kept while off them.
      if (this.registrations > 0) this.options.onLapse?.('registering again');
      await lease.put(keys.node(self.name, self.grpcAddress)).value(value);
      await lease.put(keys.cache(self.grpcAddress)).value(value);
    } catch (error) {
      lease.release();
      throw error;
    }
    if (this.stopped) {
      await lease.revoke().catch(() => undefined);
      return;
    }
    this.lease = lease;
    this.registrations++;
    logger.log(
      `registered in etcd as ${keys.node(self.name, self.grpcAddress)} (lease ${await lease.grant()}, ttl ${leaseTtlSeconds} s)`,
    );
  }

  private scheduleRegister(delayMs: number): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.stopped) return;
      this.register().catch((error: Error) => {
        const next = Math.min(Math.max(delayMs * 2, 200), 2_000);
        this.options.logger.warn(`etcd registration failed (${error.message}); retrying in ${next} ms`);
        this.scheduleRegister(next);
      });
    }, delayMs);
    this.retryTimer.unref();
  }
}
