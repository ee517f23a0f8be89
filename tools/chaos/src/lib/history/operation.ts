/** What a recorded operation did. `db-update` is the row update that starts a cache-aside write. */
export type OperationKind = 'get' | 'set' | 'delete' | 'db-update';

/**
 * One operation of a chaos run, as its client saw it. Times are milliseconds on one monotonic clock (the
 * runner's `performance.now()`), so every start and end of the run can be compared.
 */
export interface Operation {
  /** Unique within the history, in the order operations started. */
  id: number;
  /** Where the request entered the cluster: `gateway1`, `gateway2`, `sdk`. */
  entry: string;
  kind: OperationKind;
  key: string;
  start: number;
  end: number;
  /** False when the call failed or timed out: its effect, for a write, is unknown. */
  ok: boolean;
  /** A get's answer: the value, or null for not found. */
  value?: string | null;
  /** The value a set or db-update wrote. */
  written?: string;
  /** A delete that completes a cache-aside write: the id of that write's db-update. */
  completes?: number;
  /** What went wrong, for a failed call (status and code, or the error's message). */
  error?: string;
}

/** What a call reports back to {@link History.record}: a get's value, nothing for a write. */
export interface CallResult {
  value?: string | null;
}

/** The fields of an operation known before it starts. */
export type OperationRequest = Pick<Operation, 'entry' | 'kind' | 'key' | 'written' | 'completes'>;

/** An append-only record of every operation of a run, timed on one clock. */
export class History {
  readonly operations: Operation[] = [];
  private nextId = 1;

  /** `clock` gives the time in ms; default `performance.now()`. */
  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** Now, on the history's clock (fault windows are timed with it too). */
  now(): number {
    return this.clock();
  }

  /**
   * Runs `call` and records it, with its outcome: a throw is a failed operation (never rethrown, so
   * a workload loop goes on). Resolves with the recorded operation.
   */
  async record(request: OperationRequest, call: () => Promise<CallResult | void>): Promise<Operation> {
    const operation: Operation = { id: this.nextId++, ...request, start: this.clock(), end: 0, ok: false };
    try {
      const result = await call();
      operation.ok = true;
      if (request.kind === 'get') operation.value = result?.value ?? null;
    } catch (error) {
      operation.error = (error as Error).message;
    }
    operation.end = this.clock();
    this.operations.push(operation);
    return operation;
  }
}
