import { Election, type Etcd3, type Namespace, type Watcher } from 'etcd3';

/** Options of an {@link ElectionObserver}. */
export interface ElectionObserverOptions {
  client: Etcd3;
  /** The namespace the election lives in (as passed to `client.namespace(...)`). */
  namespace: string;
  /** The election's name (as passed to `.election(name)`). */
  name: string;
  /** Called with the new leader's campaign value, or undefined when no one campaigns. */
  onChange: (leader: string | undefined) => void;
  /** Called once when reading or watching fails after start; the observer is then dead (start another). */
  onError: (error: Error) => void;
}

/**
 * Who leads an etcd election — the value of its oldest key by create revision, the rule etcd3's campaigns
 * elect by — kept current by a watch of the election's keys: after every change the oldest key is read again.
 *
 * etcd3's own `Election.observe()` cannot be trusted when the election had no key: it takes the *last* put of
 * the first watch answer as the leader, so when two workers campaign at the same moment (npm start's two
 * ttl-workers on a fresh etcd) both puts arrive in one answer and the later campaigner is told that it leads
 * itself, and never learns that it stands by.
 */
export class ElectionObserver {
  private readonly o: ElectionObserverOptions;
  private readonly keys: Namespace;
  private watcher?: Watcher;
  private leader_?: string;
  /** Reads of the leader, one after another, so their answers apply in order. */
  private reads: Promise<unknown> = Promise.resolve();
  private done = false;

  constructor(options: ElectionObserverOptions) {
    this.o = options;
    this.keys = options.client.namespace(options.namespace).namespace(`${Election.prefix}/${options.name}/`);
  }

  /** The leader's campaign value, as last read (undefined while no one campaigns). */
  get leader(): string | undefined {
    return this.leader_;
  }

  /**
   * Reads who leads, then watches from the revision read, so no change after the read is missed. Rejects
   * when etcd cannot be read or watched; `onChange` is not called for this first read (see `leader`).
   */
  async start(): Promise<void> {
    const revision = await this.read(false);
    const watcher = await this.keys
      .watch()
      .prefix('')
      .startRevision((BigInt(revision) + 1n).toString())
      .create();
    if (this.done) {
      await watcher.cancel().catch(() => undefined);
      return;
    }
    this.watcher = watcher;
    watcher.on('data', () => {
      this.reads = this.reads.then(() => this.read(true)).catch((error: Error) => this.fail(error));
    });
    watcher.on('error', (error: Error) => this.fail(error));
  }

  /** Stops watching; no callback follows. */
  async cancel(): Promise<void> {
    this.done = true;
    await this.watcher?.cancel().catch(() => undefined);
  }

  /** Reads the oldest key; returns the revision the read saw. */
  private async read(notify: boolean): Promise<string> {
    const answer = await this.keys.getAll().sort('Create', 'Ascend').limit(1).exec();
    const leader = answer.kvs[0]?.value.toString();
    if (!this.done && leader !== this.leader_) {
      this.leader_ = leader;
      if (notify) this.o.onChange(leader);
    }
    return answer.header.revision;
  }

  private fail(error: Error): void {
    if (this.done) return;
    void this.cancel();
    this.o.onError(error);
  }
}
