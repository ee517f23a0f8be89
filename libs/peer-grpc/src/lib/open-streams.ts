import type { ServerDuplexStream } from '@grpc/grpc-js';

type Call = ServerDuplexStream<object, object>;

/**
 * The Calls streams a server has open, with the calls each is serving, so that a shutdown can end them: a
 * Calls stream never ends by itself, and the server's graceful shutdown waits for every call — the node would
 * hold on until its grace ran out. `drain()` ends each stream as soon as the calls it carries are answered,
 * and every stream opened after it at once; callers then go to the next owner, as for a node that left.
 */
export class OpenStreams {
  private readonly calls = new Map<Call, { serving: number; ending: boolean; end: () => void }>();
  private draining = false;

  /**
   * Tracks a new stream, which `end` ends once what was written to it is sent; false when draining (it was
   * ended at once).
   */
  opened(call: Call, end: () => void = () => call.end()): boolean {
    if (this.draining) {
      end();
      return false;
    }
    this.calls.set(call, { serving: 0, ending: false, end });
    call.on('close', () => this.calls.delete(call));
    return true;
  }

  /** A call of `stream` began. */
  started(stream: Call): void {
    const state = this.calls.get(stream);
    if (state) state.serving++;
  }

  /** A call of `stream` was answered. */
  finished(stream: Call): void {
    const state = this.calls.get(stream);
    if (!state) return;
    state.serving--;
    if ((this.draining || state.ending) && state.serving === 0) this.end(stream, state);
  }

  /** The caller half-closed `stream`: it ends once the calls it carries are answered. */
  endWhenAnswered(stream: Call): void {
    const state = this.calls.get(stream);
    if (!state) {
      if (!stream.writableEnded) stream.end();
      return;
    }
    state.ending = true;
    if (state.serving === 0) this.end(stream, state);
  }

  /** Ends every stream once its calls are answered, and refuses new ones. */
  drain(): void {
    this.draining = true;
    for (const [stream, state] of this.calls) if (state.serving === 0) this.end(stream, state);
  }

  /** Streams open now. */
  get size(): number {
    return this.calls.size;
  }

  private end(stream: Call, state: { end: () => void }): void {
    this.calls.delete(stream);
    state.end();
  }
}
