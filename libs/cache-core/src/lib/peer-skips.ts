/** One peer's record in {@link PeerSkips}. */
export interface PeerSkipCount {
  peer: string;
  /** Times outlier detection began skipping it. */
  skips: number;
  /** Times a probe of it succeeded and it was used again. */
  returns: number;
  /** Whether it is skipped now. */
  skipped: boolean;
}

/**
 * What outlier detection decided about each peer, for `/metrics`: hand `onChange` to its options (see
 * outlierDetectionFromConfig). Operators see which node is skipped and how often, and a test can tell a
 * node back in use from one whose held requests were merely delivered late.
 */
export class PeerSkips {
  private readonly counts = new Map<string, PeerSkipCount>();

  readonly onChange = (peer: string, state: 'open' | 'closed'): void => {
    let count = this.counts.get(peer);
    if (!count) this.counts.set(peer, (count = { peer, skips: 0, returns: 0, skipped: false }));
    if (state === 'open') count.skips++;
    else count.returns++;
    count.skipped = state === 'open';
  };

  /** A copy of every peer's record, in the order they were first skipped. */
  stats(): PeerSkipCount[] {
    return [...this.counts.values()].map((count) => ({ ...count }));
  }
}
