/** Options of an {@link InFlightLimiter}. */
export interface InFlightLimiterOptions {
  /** Most requests under way at once; the next one is refused. At least 1. */
  max: number;
}

/**
 * A bound on the requests a process serves at once: past it a request is refused at once (and answered
 * 503 `overloaded` by its caller) rather than queued, since a queue in front of an overloaded process only
 * adds latency until every caller times out. One counter, no timers: `tryAcquire` on arrival, `release`
 * exactly once when the answer is done.
 */
export class InFlightLimiter {
  readonly max: number;
  /** Requests admitted and not yet released. */
  inFlight = 0;
  /** Requests refused since start. */
  refused = 0;

  constructor(options: InFlightLimiterOptions) {
    if (!Number.isSafeInteger(options.max) || options.max < 1)
      throw new RangeError(`max must be an integer >= 1, got ${options.max}`);
    this.max = options.max;
  }

  /** Admits a request (true) or refuses it (false, counted); an admitted one must be released. */
  tryAcquire(): boolean {
    if (this.inFlight >= this.max) {
      this.refused++;
      return false;
    }
    this.inFlight++;
    return true;
  }

  /** Ends an admitted request. */
  release(): void {
    if (this.inFlight > 0) this.inFlight--;
  }

  /** The message of an OverloadedError for a refused request. */
  describe(): string {
    return `overloaded: ${this.max} requests in flight, try again shortly`;
  }
}
