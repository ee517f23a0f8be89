import type { Etcd3, IKeyValue, Watcher } from 'etcd3';

import type { EtcdKeys } from './etcd-keys';
import type { DiscoveryLogger } from './etcd-membership';

/** The value at `ringcache/<cluster>/group/<group>`. */
interface GroupRecord {
  generation: number;
  flushedAtMs: number;
}

/** Called with a group and its new generation. */
export type GenerationListener = (group: string, generation: number) => void;

/**
 * Group flush generations in etcd (`ringcache/<cluster>/group/<group>` → `{"generation","flushedAtMs"}`).
 * A gateway bumps a group's generation to flush it; every node watches the prefix and drops the group's
 * entries older than the new generation. A node that starts later reads the current generations first.
 */
export class GroupGenerations {
  private watcher?: Watcher;
  private readonly listeners = new Set<GenerationListener>();
  private readonly known = new Map<string, number>();

  constructor(
    private readonly client: Etcd3,
    private readonly keys: EtcdKeys,
    private readonly logger: DiscoveryLogger,
  ) {}

  /** Raises `group`'s generation by one, atomically (retrying on a concurrent flush), and returns it. */
  async bump(group: string): Promise<number> {
    const key = this.keys.group(group);
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.client.get(key).exec();
      const kv = current.kvs[0];
      const generation = (kv ? (decode(kv)?.generation ?? 0) : 0) + 1;
      const value = JSON.stringify({ generation, flushedAtMs: Date.now() } satisfies GroupRecord);
      // Compare-and-set on the key's modification revision: two flushes at once get two generations.
      const result = await this.client
        .if(key, 'Mod', '==', kv ? kv.mod_revision : '0')
        .then(this.client.put(key).value(value))
        .commit();
      if (result.succeeded) return generation;
    }
    throw new Error(`could not raise the generation of group ${group}: too many concurrent flushes`);
  }

  /** Reads the current generations, tells listeners, and watches for new ones. */
  async start(): Promise<void> {
    const prefix = `${this.keys.root}group/`;
    const response = await this.client.getAll().prefix(prefix).exec();
    for (const kv of response.kvs) this.apply(kv);
    const next = (BigInt(response.header.revision) + 1n).toString();
    this.watcher = await this.client.watch().prefix(prefix).startRevision(next).create();
    this.watcher.on('put', (kv) => this.apply(kv));
    this.watcher.on('error', (error: Error) => this.logger.warn(`etcd watch on ${prefix}: ${error.message}`));
  }

  /** Generations seen so far, by group. */
  generations(): Map<string, number> {
    return new Map(this.known);
  }

  onChange(listener: GenerationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    await this.watcher?.cancel().catch(() => undefined);
  }

  private apply(kv: IKeyValue): void {
    const record = decode(kv);
    const group = kv.key.toString().slice(`${this.keys.root}group/`.length);
    if (!record) {
      this.logger.warn(`ignoring ${kv.key.toString()}: not a group generation record`);
      return;
    }
    if ((this.known.get(group) ?? 0) >= record.generation) return;
    this.known.set(group, record.generation);
    for (const listener of this.listeners) listener(group, record.generation);
  }
}

function decode(kv: IKeyValue): GroupRecord | undefined {
  try {
    const value = JSON.parse(kv.value.toString()) as Partial<GroupRecord>;
    return Number.isSafeInteger(value.generation) && (value.generation as number) > 0
      ? (value as GroupRecord)
      : undefined;
  } catch {
    return undefined;
  }
}
