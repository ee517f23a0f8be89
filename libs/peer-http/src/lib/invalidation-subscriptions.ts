import type { Member, NearCache } from '@ringcache/cache-core';
import type { TlsMaterial } from '@ringcache/tls';

import { InvalidationStream } from './invalidation-stream';

/** Where subscriptions report what they do. */
export interface SubscriptionLogger {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * Keeps one invalidation stream open to every node of a ring and feeds a near cache (the gateway's, or
 * an SDK client's).
 * The near cache serves only while every stream is connected: a node whose stream is down could be
 * changing keys unannounced. When all are connected again it starts from empty.
 */
export class InvalidationSubscriptions {
  private readonly streams = new Map<string, { address: string; stream: InvalidationStream }>();

  /** `tls`: mutual TLS to the nodes' HTTP endpoints (default: plaintext). */
  constructor(
    private readonly near: NearCache,
    private readonly logger: SubscriptionLogger,
    private readonly tls?: TlsMaterial,
  ) {}

  /** Subscribes to new members and unsubscribes from those that left. */
  update(members: Member[]): void {
    const wanted = new Map(members.map((m) => [m.name, m.httpAddress]));
    for (const [name, { address, stream }] of this.streams) {
      if (wanted.get(name) !== address) {
        stream.stop();
        this.streams.delete(name);
      }
    }
    for (const [name, address] of wanted) {
      if (this.streams.has(name)) continue;
      const stream = new InvalidationStream({
        name,
        address,
        tls: this.tls,
        onEvent: (event) => this.near.invalidate(event),
        onState: (state) => {
          if (state === 'disconnected')
            this.logger.warn(`invalidation stream from ${name} dropped; near cache paused`);
          this.refresh();
        },
      });
      this.streams.set(name, { address, stream });
      stream.start();
    }
    this.refresh();
  }

  /** Streams now connected, of all. */
  connected(): { connected: number; total: number } {
    const states = [...this.streams.values()].map((s) => s.stream.state);
    return { connected: states.filter((s) => s === 'connected').length, total: states.length };
  }

  /** Closes every stream. */
  stop(): void {
    for (const { stream } of this.streams.values()) stream.stop();
    this.streams.clear();
    this.near.setEnabled(false);
  }

  private refresh(): void {
    const { connected, total } = this.connected();
    this.near.setEnabled(total > 0 && connected === total);
  }
}
