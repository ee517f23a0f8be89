import { LoadTimeoutError } from './errors';
import type { Loader, LoadResult } from './loader';

/** Options of a {@link LoadBatcher}. */
export interface LoadBatcherOptions {
  /** The group's loader; its `loadMany`, when it has one, answers batches of two keys or more. */
  loader: Loader;
  /** The group's name, for errors. */
  group: string;
  /** A load (one key, or one batch) taking longer fails every key of it with LoadTimeoutError. */
  timeoutMs: number;
  /** Most keys in one `loadMany` call; more go out as further calls. Default 1,000. */
  maxKeys?: number;
  /** Told the number of keys of each load sent (1 for a single `load`). Default none. */
  onBatch?: (keys: number) => void;
}

interface Waiting {
  key: string;
  resolve: (result: LoadResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the loads a node starts in one turn of the event loop — the misses of one GetMany, or cold gets
 * arriving together — and sends them to the loader as one `loadMany` (a table group's single
 * `WHERE key IN (…)` query), as DataLoader does. A lone load still goes out at once, as `load`. Each key
 * is asked at most once per batch: callers of one key are already coalesced by the group's singleflight,
 * so a stampede on one cold key is still one query.
 */
export class LoadBatcher {
  private readonly loader: Loader;
  private readonly group: string;
  private readonly timeoutMs: number;
  private readonly maxKeys: number;
  private readonly onBatch?: (keys: number) => void;
  /** Loads waiting for the end of this turn; guarded by `scheduled`. */
  private queue: Waiting[] = [];
  private scheduled = false;

  constructor(options: LoadBatcherOptions) {
    this.loader = options.loader;
    this.group = options.group;
    this.timeoutMs = options.timeoutMs;
    this.maxKeys = options.maxKeys ?? 1_000;
    this.onBatch = options.onBatch;
  }

  /** The loader's answer for `key`, loaded with the other keys asked for in this turn. */
  load(key: string): Promise<LoadResult> {
    return new Promise<LoadResult>((resolve, reject) => {
      const waiting = { key, resolve, reject };
      if (typeof this.loader.loadMany !== 'function') return this.send([waiting]);
      this.queue.push(waiting);
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const queue = this.queue;
    this.queue = [];
    this.scheduled = false;
    for (let start = 0; start < queue.length; start += this.maxKeys)
      this.send(queue.slice(start, start + this.maxKeys));
  }

  /** One call to the loader for `part`, with the load timeout; each waiter gets its key's answer. */
  private send(part: Waiting[]): void {
    const keys = part.map((w) => w.key);
    this.onBatch?.(keys.length);
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      for (const w of part) w.reject(new LoadTimeoutError(this.group, w.key, this.timeoutMs));
    }, this.timeoutMs);
    Promise.resolve()
      .then(() => (keys.length === 1 ? this.loadOne(keys[0]) : this.loadMany(keys)))
      .then(
        (results) => {
          if (!settled) part.forEach((w, i) => w.resolve(results[i]));
        },
        (error: unknown) => {
          if (!settled) for (const w of part) w.reject(error);
        },
      )
      .finally(() => {
        settled = true;
        clearTimeout(timer);
      });
  }

  private async loadOne(key: string): Promise<LoadResult[]> {
    return [await this.loader.load(key)];
  }

  private async loadMany(keys: string[]): Promise<LoadResult[]> {
    const results = await (this.loader.loadMany as NonNullable<Loader['loadMany']>)(keys);
    if (!Array.isArray(results) || results.length !== keys.length) {
      throw new TypeError(
        `loader.loadMany answered ${Array.isArray(results) ? results.length : typeof results} results for ${keys.length} keys`,
      );
    }
    return results;
  }
}
