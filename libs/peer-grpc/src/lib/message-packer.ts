/** The metadata by which each end of a Calls stream says it reads packs (CallRequest/CallResponse `more`). */
export const PACKS_HEADER = 'ringcache-packs';

/** Most messages in one pack, the first included. */
export const MAX_PACK_MESSAGES = 256;

/** Most bytes (as `sizeOf` counts them) in one pack; a message larger than this goes alone. */
export const MAX_PACK_BYTES = 1024 * 1024;

/** The side of a Calls stream the packer writes to: grpc-js's duplex stream, or a test's stand-in. */
export interface PackTarget {
  write(message: object, done: (error?: unknown) => void): unknown;
  end(): unknown;
}

/**
 * Writes the messages of one end of a Calls stream. grpc-js sends a stream's messages one at a time — each
 * write waits for the one before it to reach the connection, a turn of the event loop later — so calls made
 * (or answered) together went out one per turn, each in a write of its own. Once `packing` (the other end
 * said it reads packs), a message written while none is under way goes at once, and those written
 * meanwhile go together when it is done: the first of them carrying the others in `more`, at most
 * MAX_PACK_MESSAGES and MAX_PACK_BYTES to a pack. Until then every message goes as it would without the
 * packer. After a failed write nothing more is written: the stream is broken, and its calls fail by the
 * stream's own events.
 */
export class MessagePacker<M extends object> {
  /** Whether the other end reads packs. */
  packing = false;
  private queue: M[] = [];
  private busy = false;
  private ending = false;
  private broken = false;

  constructor(
    private readonly target: PackTarget,
    private readonly sizeOf: (message: M) => number,
  ) {}

  /** Messages waiting for the write under way. */
  get waiting(): number {
    return this.queue.length;
  }

  write(message: M): void {
    if (this.broken || this.ending) return;
    if (!this.packing && !this.busy) {
      this.target.write(message, this.noteError);
      return;
    }
    if (this.busy) this.queue.push(message);
    else this.send(message);
  }

  /** Ends the stream once the messages written are sent. */
  end(): void {
    if (this.ending) return;
    this.ending = true;
    if (!this.busy) this.target.end();
  }

  private send(message: M): void {
    this.busy = true;
    this.target.write(message, this.sent);
  }

  private readonly sent = (error?: unknown): void => {
    this.busy = false;
    if (error) return this.noteError(error);
    if (this.queue.length > 0) this.send(this.takePack());
    else if (this.ending) this.target.end();
  };

  private readonly noteError = (error?: unknown): void => {
    if (!error) return;
    this.broken = true;
    this.queue = [];
  };

  /** The first message waiting, carrying as many of the next as fit in a pack. */
  private takePack(): M {
    const first = this.queue[0];
    let bytes = this.sizeOf(first);
    let taken = 1;
    while (taken < this.queue.length && taken < MAX_PACK_MESSAGES) {
      const size = this.sizeOf(this.queue[taken]);
      if (bytes + size > MAX_PACK_BYTES) break;
      bytes += size;
      taken++;
    }
    if (taken === 1) {
      this.queue.shift();
      return first;
    }
    const more = this.queue.slice(1, taken);
    this.queue = this.queue.slice(taken);
    return { ...first, more } as M;
  }
}

/** The call names a Calls message may carry its call or answer under (StreamCall). */
const MEMBERS = ['get', 'getMany', 'set', 'setMany', 'delete', 'deleteMany'] as const;

interface Body {
  key?: string;
  value?: Uint8Array;
  keys?: string[];
  entries?: { key?: string; value?: Uint8Array }[];
  results?: { value?: Uint8Array }[];
}

/**
 * About how many bytes a call or an answer of a Calls stream takes once encoded: its keys and values, and a
 * little for the rest. Bounds a pack well below the largest message either end accepts.
 */
export function callMessageBytes(message: object): number {
  let bytes = 64;
  for (const member of MEMBERS) {
    const body = (message as Partial<Record<(typeof MEMBERS)[number], Body | null>>)[member];
    if (!body) continue;
    bytes += (body.key?.length ?? 0) + (body.value?.byteLength ?? 0);
    if (body.keys) for (const key of body.keys) bytes += 8 + key.length;
    const list = body.entries ?? body.results;
    if (list)
      for (const item of list)
        bytes += 16 + ((item as Body).key?.length ?? 0) + (item.value?.byteLength ?? 0);
  }
  return bytes;
}
