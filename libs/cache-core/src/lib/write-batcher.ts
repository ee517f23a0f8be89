import { RingcacheError } from './errors';
import type {
  CallOptions,
  DeleteRequest,
  DeleteResponse,
  PeerClient,
  SetEntry,
  SetRequest,
  SetResponse,
} from './protocol';
import { TurnBatches } from './turn-batches';

/** Bytes of values one coalesced SetMany carries at most; a batch that reaches it is sent at once. */
export const MAX_WRITE_BATCH_BYTES = 1024 * 1024;

/** Error codes that say the batch as a whole failed for a reason of one of its entries. */
const ENTRY_ERRORS = new Set(['invalid_argument', 'key_too_long', 'value_too_large']);

/** One caller's write, waiting in a batch. */
interface Caller<I, R> {
  item: I;
  resolve: (response: R) => void;
  reject: (error: unknown) => void;
  /** When this caller's own deadline passes, by performance.now(). */
  deadlineAt: number;
  requestId?: string;
}

/** Writes of one kind, group and hop count, waiting to go out together. */
interface WriteBatch<I, R> {
  group: string;
  hops: number;
  ringVersion: string;
  callers: Caller<I, R>[];
  bytes: number;
}

type SetBatch = WriteBatch<SetEntry, SetResponse>;
type DeleteBatch = WriteBatch<string, DeleteResponse>;

/**
 * Coalesces the single writes bound for one peer — Sets, and Deletes at the owner (not the owners'
 * local-only fan-out) — per turn of the event loop, per group and hop count, into one SetMany or DeleteMany:
 * under load a gateway's PUTs to one owner cost one call per turn instead of one each. A lone write goes
 * out as itself. Each caller gets its own answer; the batch is answered only after the owner stored (or
 * dropped) every entry and had the other nodes drop their copies, as a single write is.
 *
 * Failure paths: a call that fails as a whole (the peer unreachable, the deadline — the shortest among the
 * callers — passed) fails every caller with that error, as each single write would have. An error that may
 * be one entry's fault (invalid argument, key or value too long) makes each caller's write be sent again
 * alone, so one bad entry never fails the writes that shared its call.
 */
export class WriteBatcher {
  private readonly sets: TurnBatches<SetBatch>;
  private readonly deletes: TurnBatches<DeleteBatch>;

  constructor(
    private readonly inner: PeerClient,
    windowMs: number,
    maxInFlight: number,
    private readonly maxKeys: number,
  ) {
    this.sets = new TurnBatches(windowMs, (batch) => this.sendSets(batch), maxInFlight);
    this.deletes = new TurnBatches(windowMs, (batch) => this.sendDeletes(batch), maxInFlight);
  }

  set(request: SetRequest, options: CallOptions): Promise<SetResponse> {
    const { key, value, ttlMs } = request;
    return this.join(this.sets, request, { key, value, ttlMs }, value.byteLength, options);
  }

  delete(request: DeleteRequest, options: CallOptions): Promise<DeleteResponse> {
    return this.join(this.deletes, request, request.key, 0, options);
  }

  /** Sends what is gathered now (closing). */
  flush(): void {
    this.sets.flush();
    this.deletes.flush();
  }

  private join<I, R>(
    batches: TurnBatches<WriteBatch<I, R>>,
    request: { group: string; hops: number; ringVersion: string },
    item: I,
    bytes: number,
    options: CallOptions,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const id = `${request.hops}/${request.group}`;
      const batch = batches.batch(id, () => ({
        group: request.group,
        hops: request.hops,
        ringVersion: request.ringVersion,
        callers: [],
        bytes: 0,
      }));
      batch.callers.push({
        item,
        resolve,
        reject,
        deadlineAt: performance.now() + options.deadlineMs,
        requestId: options.requestId,
      });
      batch.bytes += bytes;
      if (batch.callers.length >= this.maxKeys || batch.bytes >= MAX_WRITE_BATCH_BYTES) batches.sendNow(id);
    });
  }

  private sendSets(batch: SetBatch): Promise<void> {
    const { group, hops, ringVersion } = batch;
    return this.send(
      batch,
      'SetMany',
      (entry, call) => this.inner.set({ group, ...entry, ringVersion, hops }, call),
      (entries, call) =>
        this.inner.setMany({ group, entries, ringVersion, hops }, call).then((r) => r.results),
    );
  }

  private sendDeletes(batch: DeleteBatch): Promise<void> {
    const { group, hops, ringVersion } = batch;
    return this.send(
      batch,
      'DeleteMany',
      (key, call) => this.inner.delete({ group, key, ringVersion, hops }, call),
      (keys, call) => this.inner.deleteMany({ group, keys, ringVersion, hops }, call).then((r) => r.results),
    );
  }

  /** One call for the batch (a lone write as itself); answers split back to the callers in order. */
  private async send<I, R>(
    { callers }: WriteBatch<I, R>,
    operation: string,
    one: (item: I, call: CallOptions) => Promise<R>,
    many: (items: I[], call: CallOptions) => Promise<R[]>,
  ): Promise<void> {
    const now = performance.now();
    const deadlineAt = callers.reduce((min, c) => Math.min(min, c.deadlineAt), Infinity);
    const call: CallOptions = {
      deadlineMs: Math.max(1, Math.ceil(deadlineAt - now)),
      requestId: callers[0].requestId,
    };
    if (callers.length === 1) {
      await one(callers[0].item, call).then(callers[0].resolve, callers[0].reject);
      return;
    }
    let results: R[];
    try {
      results = await many(
        callers.map((c) => c.item),
        call,
      );
    } catch (error) {
      if (error instanceof RingcacheError && ENTRY_ERRORS.has(error.code)) {
        // Which entry was refused is not said: each caller's write goes again alone, for its own answer.
        await Promise.all(callers.map((c) => this.alone(c, one)));
      } else {
        for (const c of callers) c.reject(error);
      }
      return;
    }
    if (results.length !== callers.length) {
      const error = new RingcacheError(
        'internal',
        `${operation} on peer ${this.inner.name}: malformed answer: ${results.length} results for ${callers.length} entries`,
      );
      for (const c of callers) c.reject(error);
      return;
    }
    callers.forEach((c, i) => c.resolve(results[i]));
  }

  private alone<I, R>(caller: Caller<I, R>, one: (item: I, call: CallOptions) => Promise<R>): Promise<void> {
    const deadlineMs = Math.max(1, Math.ceil(caller.deadlineAt - performance.now()));
    return one(caller.item, { deadlineMs, requestId: caller.requestId }).then(caller.resolve, caller.reject);
  }
}
