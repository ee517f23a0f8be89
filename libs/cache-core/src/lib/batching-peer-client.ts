import { InvalidArgumentError, RingcacheError } from './errors';
import { MAX_BATCH_KEYS } from './peer-service';
import type {
  CallOptions,
  DeleteManyRequest,
  DeleteManyResponse,
  DeleteRequest,
  DeleteResponse,
  ExpireRequest,
  ExpireResponse,
  FlushRequest,
  FlushResponse,
  GetManyRequest,
  GetManyResponse,
  GetRequest,
  GetResponse,
  PeerClient,
  SetManyRequest,
  SetManyResponse,
  SetRequest,
  SetResponse,
} from './protocol';
import { hasUsableDeadline } from './protocol';
import { rebuildError } from './remote-errors';
import { TurnBatches } from './turn-batches';
import { WriteBatcher } from './write-batcher';

/** Options of {@link BatchingPeerClient}. */
export interface GetBatchingOptions {
  /**
   * How long the first get of a batch waits for others, in ms. 0 sends at the end of the current turn of
   * the event loop (setImmediate): every get started while the process handled the I/O of this turn goes
   * in one call, and a lone get waits for nothing else. Default 0.
   */
  windowMs?: number;
  /** Most keys in one GetMany; a batch that reaches it is sent at once. 1 to 1,000; default 1,000. */
  maxKeys?: number;
  /** Told the number of distinct keys of each call sent (1 for a lone Get), for a histogram. Default none. */
  onBatch?: (keys: number) => void;
  /**
   * Calls of each kind (gets, fan-out drops) under way to this peer at once; while that many are, new ones
   * join the next batch (group commit), so batches grow with the load rather than the number of calls.
   * Default 4.
   */
  maxInFlight?: number;
}

interface Waiter {
  resolve: (response: GetResponse) => void;
  reject: (error: unknown) => void;
  /** When this caller's own deadline passes, by performance.now(). */
  deadlineAt: number;
  requestId?: string;
}

/** Gets of one group with one hop count, waiting to go out together. */
interface GetBatch {
  group: string;
  hops: number;
  ringVersion: string;
  /** Waiters by key: two callers of one key share its answer. */
  keys: Map<string, Waiter[]>;
}

/** An owner's fan-out drops of one group, waiting to go out together. */
interface DropBatch {
  request: DeleteManyRequest;
  /** Every caller's keys; the batch's keys are their union. */
  callers: {
    keys: string[];
    options: CallOptions;
    resolve: (r: DeleteManyResponse) => void;
    reject: (e: unknown) => void;
  }[];
}

/**
 * Auto-batching, as ioredis's auto-pipelining: every Get bound for this peer in the same turn of the event
 * loop (or window) goes out as one GetMany, and the answers — and per-key errors — are split back to their
 * callers; a batch of one key goes out as a plain Get. The owners' fan-out drops (`deleteMany` with
 * `localOnly`) of one turn go out as one call per group, and so do single Sets and Deletes (WriteBatcher).
 * Every other call passes straight through.
 *
 * A batch is sent with the shortest deadline left among its callers, and with the request id of its first
 * caller (the peer's log line then names one of the requests the call serves).
 */
export class BatchingPeerClient implements PeerClient {
  private readonly maxKeys: number;
  private readonly onBatch?: (keys: number) => void;
  private readonly gets: TurnBatches<GetBatch>;
  private readonly drops: TurnBatches<DropBatch>;
  private readonly writes: WriteBatcher;

  constructor(
    private readonly inner: PeerClient,
    options: GetBatchingOptions = {},
  ) {
    const windowMs = options.windowMs ?? 0;
    this.maxKeys = options.maxKeys ?? MAX_BATCH_KEYS;
    if (!Number.isSafeInteger(windowMs) || windowMs < 0 || windowMs > 1_000) {
      throw new InvalidArgumentError(
        `batching option windowMs must be an integer from 0 to 1000, got ${windowMs}`,
      );
    }
    if (!Number.isSafeInteger(this.maxKeys) || this.maxKeys < 1 || this.maxKeys > MAX_BATCH_KEYS) {
      throw new InvalidArgumentError(
        `batching option maxKeys must be an integer from 1 to ${MAX_BATCH_KEYS}, got ${this.maxKeys}`,
      );
    }
    const maxInFlight = options.maxInFlight ?? 4;
    if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1) {
      throw new InvalidArgumentError(
        `batching option maxInFlight must be a positive integer, got ${maxInFlight}`,
      );
    }
    this.onBatch = options.onBatch;
    this.gets = new TurnBatches(windowMs, (batch) => this.sendGets(batch), maxInFlight);
    this.drops = new TurnBatches(windowMs, (batch) => this.sendDrops(batch), maxInFlight);
    this.writes = new WriteBatcher(inner, windowMs, maxInFlight, this.maxKeys);
  }

  get name(): string {
    return this.inner.name;
  }

  get(request: GetRequest, options: CallOptions): Promise<GetResponse> {
    // A call the peer client would refuse anyway (no usable deadline) is sent alone, so it says why.
    if (!hasUsableDeadline(options)) return this.inner.get(request, options);
    const deadlineMs = options.deadlineMs;
    return new Promise<GetResponse>((resolve, reject) => {
      const id = `${request.hops}/${request.group}`;
      const batch = this.gets.batch(id, () => ({
        group: request.group,
        hops: request.hops,
        ringVersion: request.ringVersion,
        keys: new Map(),
      }));
      const waiter: Waiter = {
        resolve,
        reject,
        deadlineAt: performance.now() + deadlineMs,
        requestId: options.requestId,
      };
      const waiters = batch.keys.get(request.key);
      if (waiters) waiters.push(waiter);
      else batch.keys.set(request.key, [waiter]);
      if (batch.keys.size >= this.maxKeys) this.gets.sendNow(id);
    });
  }

  getMany(request: GetManyRequest, options: CallOptions): Promise<GetManyResponse> {
    return this.inner.getMany(request, options);
  }

  /** Sets of one turn and group go out as one SetMany (WriteBatcher). */
  set(request: SetRequest, options: CallOptions): Promise<SetResponse> {
    if (!hasUsableDeadline(options) || !(request.value instanceof Uint8Array))
      return this.inner.set(request, options);
    return this.writes.set(request, options);
  }

  setMany(request: SetManyRequest, options: CallOptions): Promise<SetManyResponse> {
    return this.inner.setMany(request, options);
  }

  /** Deletes at the owner of one turn and group go out as one DeleteMany (WriteBatcher). */
  delete(request: DeleteRequest, options: CallOptions): Promise<DeleteResponse> {
    if (request.localOnly || !hasUsableDeadline(options)) return this.inner.delete(request, options);
    return this.writes.delete(request, options);
  }

  /**
   * An owner's fan-out (`localOnly`) is gathered with the others of the same turn and group into one call:
   * a burst of writes costs each node one call per turn, not one per key.
   */
  deleteMany(request: DeleteManyRequest, options: CallOptions): Promise<DeleteManyResponse> {
    if (!request.localOnly || !Array.isArray(request.keys)) return this.inner.deleteMany(request, options);
    return new Promise<DeleteManyResponse>((resolve, reject) => {
      const batch = this.drops.batch(`${request.hops}/${request.group}`, () => ({
        request: { ...request, keys: [] },
        callers: [],
      }));
      batch.callers.push({ keys: request.keys, options, resolve, reject });
    });
  }

  flush(request: FlushRequest, options: CallOptions): Promise<FlushResponse> {
    return this.inner.flush(request, options);
  }

  expire(request: ExpireRequest, options: CallOptions): Promise<ExpireResponse> {
    return this.inner.expire(request, options);
  }

  /** Sends what is gathered (to a closed client, so those calls fail as unavailable) and closes. */
  async close(): Promise<void> {
    await this.inner.close();
    this.gets.flush();
    this.drops.flush();
    this.writes.flush();
  }

  /** One call for every caller's drops: the union of their keys; each caller gets the answers for its own. */
  private sendDrops({ request, callers }: DropBatch): Promise<void> {
    const keys = [...new Set(callers.flatMap((c) => c.keys))];
    const deadlineMs = Math.min(...callers.map((c) => c.options.deadlineMs));
    const call: CallOptions = { deadlineMs, requestId: callers[0].options.requestId };
    return this.inner.deleteMany({ ...request, keys }, call).then(
      ({ results }) => {
        const byKey = new Map(keys.map((key, i) => [key, results[i]]));
        for (const c of callers)
          c.resolve({ results: c.keys.map((key) => byKey.get(key) ?? { deleted: false }) });
      },
      (error: unknown) => callers.forEach((c) => c.reject(error)),
    );
  }

  private sendGets(batch: GetBatch): Promise<void> {
    const keys: string[] = [];
    const all: Waiter[] = [];
    let deadlineAt = Infinity;
    for (const [key, waiters] of batch.keys) {
      keys.push(key);
      for (const waiter of waiters) {
        all.push(waiter);
        if (waiter.deadlineAt < deadlineAt) deadlineAt = waiter.deadlineAt;
      }
    }
    const deadlineMs = Math.max(1, Math.ceil(deadlineAt - performance.now()));
    const requestId = all[0].requestId;
    const call: CallOptions = { deadlineMs, requestId };
    const { group, hops, ringVersion } = batch;
    this.onBatch?.(keys.length);
    if (keys.length === 1) {
      return this.inner.get({ group, key: keys[0], ringVersion, hops }, call).then(
        (response) => all.forEach((w) => w.resolve(response)),
        (error: unknown) => all.forEach((w) => w.reject(error)),
      );
    }
    return this.inner.getMany({ group, keys, ringVersion, hops }, call).then(
      ({ results }) => {
        if (results.length !== keys.length) {
          const error = new RingcacheError(
            'internal',
            `GetMany on peer ${this.name}: malformed answer: ${results.length} results for ${keys.length} keys`,
          );
          for (const w of all) w.reject(error);
          return;
        }
        keys.forEach((key, i) => {
          const waiters = batch.keys.get(key) as Waiter[];
          const result = results[i];
          if (!result.error) for (const w of waiters) w.resolve(result);
          else {
            const { code, message } = result.error;
            const error = rebuildError(code, message, { peer: this.name, operation: 'Get', group, key });
            for (const w of waiters) w.reject(error);
          }
        });
      },
      (error: unknown) => all.forEach((w) => w.reject(error)),
    );
  }
}
