import type { Campaign, Election, Etcd3 } from 'etcd3';

import type { DiscoveryLogger } from '@ringcache/discovery';

import { ElectionObserver } from './election-observer';
import type { TtlKeys } from './ttl-keys';

/**
 * Where a worker stands: `candidate` (campaigning, leader not known yet), `standby` (another worker leads),
 * `leader`, or `stopped`.
 */
export type WorkerRole = 'candidate' | 'standby' | 'leader' | 'stopped';

/** Options of a {@link LeaderElection}. */
export interface LeaderElectionOptions {
  client: Etcd3;
  keys: TtlKeys;
  /** This worker's campaign value; unique per process (a standby that sees its own name cannot tell). */
  name: string;
  /** Campaign lease TTL in seconds: how long a crashed leader keeps the standbys waiting. */
  ttlSeconds: number;
  logger: DiscoveryLogger;
  /** Wait before campaigning or observing again after a failure, ms. */
  retryMs: number;
  /** Called when this worker becomes the leader. */
  onElected: () => void;
  /** Called when this worker stops being the leader without resigning (lease lost, key gone). */
  onDeposed: (reason: string) => void;
}

/**
 * One leader among the ttl-workers, by etcd's election (etcd3's campaign/observe): each worker campaigns
 * with a key under its own lease (kept alive); the oldest key leads. A leader that dies stops renewing and
 * its key expires after `ttlSeconds`; one that resigns revokes its lease and the next candidate is elected
 * at once. A failed campaign (etcd away longer than the lease, say) deposes the leader and campaigns again.
 * The observer ({@link ElectionObserver}, not etcd3's: see there why) tells standbys who leads, for readiness
 * and logs.
 */
export class LeaderElection {
  private readonly o: LeaderElectionOptions;
  private readonly election: Election;
  private campaign?: Campaign;
  private observer?: ElectionObserver;
  private role_: WorkerRole = 'candidate';
  private leader_?: string;
  private retryTimer?: NodeJS.Timeout;
  private observeTimer?: NodeJS.Timeout;
  private stopped = false;
  /** Bumped for each campaign, so a replaced campaign's late events are ignored. */
  private epoch = 0;

  constructor(options: LeaderElectionOptions) {
    this.o = options;
    this.election = options.client
      .namespace(options.keys.electionNamespace)
      .election(options.keys.electionName, options.ttlSeconds);
  }

  /** This worker's role. */
  get role(): WorkerRole {
    return this.role_;
  }

  /** The leading worker's name, as last observed (undefined while unknown or leaderless). */
  get leader(): string | undefined {
    return this.role_ === 'leader' ? this.o.name : this.leader_;
  }

  /** Starts campaigning and observing. */
  start(): void {
    this.runCampaign();
    this.observe();
  }

  /** The etcd key of this worker's campaign: exists exactly while the campaign does (a write fence). */
  async campaignKey(): Promise<string> {
    if (!this.campaign) throw new Error('not campaigning');
    return this.campaign.getCampaignKey();
  }

  /** Gives up leadership (a fenced write found our key gone, say) and campaigns again after `retryMs`. */
  abdicate(reason: string): void {
    if (this.stopped) return;
    this.lose(reason);
  }

  /** Resigns (a standby is elected at once) and stops observing. */
  async resign(): Promise<void> {
    this.stopped = true;
    this.epoch++;
    clearTimeout(this.retryTimer);
    clearTimeout(this.observeTimer);
    const campaign = this.campaign;
    const observer = this.observer;
    const wasLeader = this.role_ === 'leader';
    this.campaign = undefined;
    this.observer = undefined;
    this.role_ = 'stopped';
    try {
      await campaign?.resign();
      if (wasLeader) this.o.logger.log(`ttl-worker ${this.o.name}: resigned; a standby takes over`);
    } catch (error) {
      this.o.logger.warn(
        `ttl-worker ${this.o.name}: could not resign (${(error as Error).message}); the campaign lease expires by itself`,
      );
    }
    await observer?.cancel();
  }

  private runCampaign(): void {
    if (this.stopped) return;
    const epoch = ++this.epoch;
    const campaign = this.election.campaign(this.o.name);
    this.campaign = campaign;
    this.role_ = this.leader_ !== undefined && this.leader_ !== this.o.name ? 'standby' : 'candidate';
    campaign.on('elected', () => {
      if (epoch !== this.epoch) return;
      this.role_ = 'leader';
      this.o.logger.log(`ttl-worker ${this.o.name}: elected leader`);
      this.o.onElected();
    });
    // An unhandled 'error' would crash the process: this listener stays for the campaign's whole life.
    campaign.on('error', (error: Error) => {
      if (epoch === this.epoch) this.lose(`campaign failed: ${error.message}`);
    });
  }

  private lose(reason: string): void {
    const wasLeader = this.role_ === 'leader';
    this.epoch++;
    const campaign = this.campaign;
    this.campaign = undefined;
    void campaign?.resign().catch(() => undefined);
    this.role_ = 'candidate';
    this.o.logger.warn(`ttl-worker ${this.o.name}: ${reason}; campaigning again in ${this.o.retryMs} ms`);
    if (wasLeader) this.o.onDeposed(reason);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.runCampaign(), this.o.retryMs);
    this.retryTimer.unref();
  }

  private observe(): void {
    if (this.stopped) return;
    const observer = new ElectionObserver({
      client: this.o.client,
      namespace: this.o.keys.electionNamespace,
      name: this.o.keys.electionName,
      onChange: (leader) => this.seen(leader),
      onError: (error) => {
        if (this.observer !== observer) return;
        this.observer = undefined;
        this.retryObserve(`observing the election failed: ${error.message}`);
      },
    });
    this.observer = observer;
    observer.start().then(
      () => {
        if (this.observer === observer) this.seen(observer.leader);
      },
      (error: Error) => {
        if (this.observer !== observer) return;
        this.observer = undefined;
        void observer.cancel();
        this.retryObserve(`observing the election failed: ${error.message}`);
      },
    );
  }

  private retryObserve(reason: string): void {
    if (this.stopped) return;
    this.o.logger.warn(`ttl-worker ${this.o.name}: ${reason}; retrying in ${this.o.retryMs} ms`);
    this.observeTimer = setTimeout(() => this.observe(), this.o.retryMs);
    this.observeTimer.unref();
  }

  private seen(leader: string | undefined): void {
    if (
      leader !== this.leader_ &&
      leader !== undefined &&
      leader !== this.o.name &&
      this.role_ !== 'leader'
    ) {
      this.o.logger.log(`ttl-worker ${this.o.name}: standing by; ${leader} leads`);
    }
    this.leader_ = leader;
    if (this.role_ === 'candidate' || this.role_ === 'standby') {
      this.role_ = leader !== undefined && leader !== this.o.name ? 'standby' : 'candidate';
    }
  }
}
