import type { Invalidation } from './protocol';

/** Fans a node's invalidations out to its subscribers (the near caches of gateways). */
export class InvalidationHub {
  private readonly listeners = new Set<(event: Invalidation) => void>();
  private published = 0;

  /** Tells every subscriber; a listener that throws is dropped, so one bad subscriber cannot stop the rest. */
  publish = (event: Invalidation): void => {
    this.published++;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        this.listeners.delete(listener);
      }
    }
  };

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(listener: (event: Invalidation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribers now, and events published so far. */
  stats(): { subscribers: number; published: number } {
    return { subscribers: this.listeners.size, published: this.published };
  }
}
