import { InvalidArgumentError, PeerUnavailableError, RingcacheError } from './errors';
import type { CallOptions, PeerClient } from './protocol';

/** Options of {@link OutlierDetectingPeerClient}. */
/** The defaults of {@link OutlierDetectionOptions}: skip a peer after 3 failed calls in a row, for 5 s. */
export const OUTLIER_DEFAULTS = { consecutiveFailures: 3, cooldownMs: 5_000 } as const;

export interface OutlierDetectionOptions {
  /** Consecutive failed calls (no answer in time, no connection) after which the peer is skipped. Default 3. */
  consecutiveFailures?: number;
  /** How long a skipped peer is skipped before one call probes it, in ms; doubles while probes fail, up to 8×. Default 5,000. */
  cooldownMs?: number;
  /** Told when the peer is skipped (`open`) and when a probe brings it back (`closed`). */
  onChange?: (peer: string, state: 'open' | 'closed') => void;
  /** Clock, ms. Default Date.now. */
  now?: () => number;
}

type Method = 'get' | 'getMany' | 'set' | 'setMany' | 'delete' | 'deleteMany' | 'flush' | 'expire';

/**
 * Outlier detection for one peer (a circuit breaker): after `consecutiveFailures` calls in a row failed
 * for the peer itself — no answer within the deadline, or no connection — every call is refused at once
 * with PeerUnavailableError for `cooldownMs`, so reads go to the next owner without waiting out a deadline
 * on a hung node, and writes fail with a clear 503 instead of hanging. After the cooldown one call goes
 * through as a probe (the others are still refused): its success brings the peer back, its failure skips
 * it again for twice as long. Answers that are errors of the request (not found, a failed load, a bad
 * argument) count as the peer answering.
 */
export class OutlierDetectingPeerClient implements PeerClient {
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private readonly onChange?: OutlierDetectionOptions['onChange'];
  private failures = 0;
  /** When the peer may be probed again; 0 while it is in use. */
  private openUntil = 0;
  private backoff = 1;
  private probing = false;

  constructor(
    private readonly inner: PeerClient,
    options: OutlierDetectionOptions = {},
  ) {
    this.threshold = options.consecutiveFailures ?? OUTLIER_DEFAULTS.consecutiveFailures;
    this.cooldownMs = options.cooldownMs ?? OUTLIER_DEFAULTS.cooldownMs;
    if (!Number.isSafeInteger(this.threshold) || this.threshold < 1)
      throw new InvalidArgumentError(
        `outlier detection consecutiveFailures must be a positive integer, got ${this.threshold}`,
      );
    if (!Number.isSafeInteger(this.cooldownMs) || this.cooldownMs < 1)
      throw new InvalidArgumentError(
        `outlier detection cooldownMs must be a positive integer, got ${this.cooldownMs}`,
      );
    this.now = options.now ?? Date.now;
    this.onChange = options.onChange;
  }

  get name(): string {
    return this.inner.name;
  }

  /** Whether calls are refused now (the peer is skipped, or a probe of it is under way). */
  get skipped(): boolean {
    return this.openUntil !== 0 && (this.probing || this.now() < this.openUntil);
  }

  get: PeerClient['get'] = (request, options) => this.call('get', 'Get', request, options);
  getMany: PeerClient['getMany'] = (request, options) => this.call('getMany', 'GetMany', request, options);
  set: PeerClient['set'] = (request, options) => this.call('set', 'Set', request, options);
  setMany: PeerClient['setMany'] = (request, options) => this.call('setMany', 'SetMany', request, options);
  delete: PeerClient['delete'] = (request, options) => this.call('delete', 'Delete', request, options);
  deleteMany: PeerClient['deleteMany'] = (request, options) =>
    this.call('deleteMany', 'DeleteMany', request, options);
  flush: PeerClient['flush'] = (request, options) => this.call('flush', 'Flush', request, options);
  expire: PeerClient['expire'] = (request, options) => this.call('expire', 'Expire', request, options);

  close(): Promise<void> {
    return this.inner.close();
  }

  private async call<R>(
    method: Method,
    operation: string,
    request: unknown,
    options: CallOptions,
  ): Promise<R> {
    let probe = false;
    if (this.openUntil !== 0) {
      const left = this.openUntil - this.now();
      if (this.probing || left > 0) {
        const detail = this.probing
          ? 'skipped while a probe of it is under way (outlier detection)'
          : `skipped for ${Math.ceil(left)} ms more after ${this.threshold} failed calls in a row (outlier detection)`;
        throw new PeerUnavailableError(this.name, operation, detail);
      }
      probe = this.probing = true;
    }
    try {
      const answer = await (this.inner[method] as (r: unknown, o: CallOptions) => Promise<R>)(
        request,
        options,
      );
      this.succeeded();
      return answer;
    } catch (error) {
      if (isPeerFailure(error)) this.failed(probe);
      else this.succeeded();
      throw error;
    } finally {
      if (probe) this.probing = false;
    }
  }

  private succeeded(): void {
    this.failures = 0;
    if (this.openUntil === 0) return;
    this.openUntil = 0;
    this.backoff = 1;
    this.onChange?.(this.name, 'closed');
  }

  private failed(probe: boolean): void {
    if (probe) this.backoff = Math.min(this.backoff * 2, 8);
    else if (++this.failures < this.threshold || this.openUntil !== 0) return;
    const wasOpen = this.openUntil !== 0;
    this.openUntil = this.now() + this.cooldownMs * this.backoff;
    if (!wasOpen) this.onChange?.(this.name, 'open');
  }
}

/** A failure of the peer itself (it did not answer), as opposed to an answer that is an error. */
function isPeerFailure(error: unknown): boolean {
  return error instanceof RingcacheError && error.code === 'peer_unavailable';
}
