/** Options of a {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second (> 0). */
  perSecond: number;
  /** Most tokens held: the burst allowed after a quiet spell (>= 1). The bucket starts full. */
  burst: number;
  /** Clock in ms. Default `performance.now`. */
  now?: () => number;
}

/**
 * A token bucket: each request takes one token; tokens come back at `perSecond`, up to `burst`. Refilled
 * lazily from the clock on each take, so an idle bucket costs nothing.
 */
export class TokenBucket {
  private readonly perMs: number;
  private readonly burst: number;
  private readonly now: () => number;
  private tokens: number;
  private at: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.perSecond > 0) || !Number.isFinite(options.perSecond))
      throw new RangeError(`perSecond must be a number > 0, got ${options.perSecond}`);
    if (!Number.isSafeInteger(options.burst) || options.burst < 1)
      throw new RangeError(`burst must be an integer >= 1, got ${options.burst}`);
    this.perMs = options.perSecond / 1000;
    this.burst = options.burst;
    this.now = options.now ?? (() => performance.now());
    this.tokens = options.burst;
    this.at = this.now();
  }

  /** Takes a token: 0 when one was there, else the ms until one will be (nothing taken). */
  take(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.at) * this.perMs);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) / this.perMs);
  }
}
