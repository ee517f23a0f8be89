import {
  callMessageBytes,
  MAX_PACK_BYTES,
  MAX_PACK_MESSAGES,
  MessagePacker,
  type PackTarget,
} from './message-packer';

type Message = { id: number; more?: Message[]; set?: { key: string; value: Uint8Array } };

/** A stream whose writes complete only when the test says so, as grpc-js's complete a turn later. */
class SlowStream implements PackTarget {
  readonly written: Message[] = [];
  readonly pending: ((error?: unknown) => void)[] = [];
  ended = false;

  write(message: object, done: (error?: unknown) => void): void {
    this.written.push(message as Message);
    this.pending.push(done);
  }

  end(): void {
    this.ended = true;
  }

  /** Completes the oldest write still under way. */
  complete(error?: unknown): void {
    const done = this.pending.shift();
    if (!done) throw new Error('no write under way');
    done(error);
  }

  /** The ids each write carried, the packed ones after the first. */
  ids(): number[][] {
    return this.written.map((m) => [m.id, ...(m.more ?? []).map((p) => p.id)]);
  }
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A slow stream and its packer, packing (the other end reads packs) unless told otherwise. */
function packerOn(packing = true, sizeOf: (m: Message) => number = () => 1) {
  const stream = new SlowStream();
  const packer = new MessagePacker<Message>(stream, sizeOf);
  packer.packing = packing;
  return { stream, packer };
}

describe('MessagePacker', () => {
  it('passes every message straight through until the other end reads packs', () => {
    const { stream, packer } = packerOn(false);
    for (const id of [1, 2, 3]) packer.write({ id });
    expect(stream.ids()).toEqual([[1], [2], [3]]);
    expect(stream.written.every((m) => m.more === undefined)).toBe(true);
  });

  it('sends a message at once, and those written while it goes as one pack when it is done', () => {
    const { stream, packer } = packerOn();
    packer.write({ id: 1 });
    for (const id of [2, 3, 4]) packer.write({ id });
    expect(stream.ids()).toEqual([[1]]);
    expect(packer.waiting).toBe(3);
    stream.complete();
    expect(stream.ids()).toEqual([[1], [2, 3, 4]]);
    // Nothing waits: the next message goes at once, alone.
    stream.complete();
    packer.write({ id: 5 });
    expect(stream.ids()).toEqual([[1], [2, 3, 4], [5]]);
    expect(stream.written[1].more?.every((m) => m.more === undefined)).toBe(true);
  });

  it('sends a lone waiting message as itself, without an empty pack', () => {
    const { stream, packer } = packerOn();
    packer.write({ id: 1 });
    packer.write({ id: 2 });
    stream.complete();
    expect(stream.written[1]).toEqual({ id: 2 });
  });

  it('puts at most MAX_PACK_MESSAGES in a pack', () => {
    const { stream, packer } = packerOn();
    const count = MAX_PACK_MESSAGES + 10;
    for (const id of ids(0, count)) packer.write({ id });
    stream.complete();
    stream.complete();
    expect(stream.ids()).toEqual([[0], ids(1, MAX_PACK_MESSAGES), ids(MAX_PACK_MESSAGES + 1, count)]);
  });

  it('keeps a pack within MAX_PACK_BYTES, and sends a larger message alone', () => {
    const quarter = MAX_PACK_BYTES / 4;
    const sizes = new Map([
      [2, quarter],
      [3, quarter],
      [4, quarter],
      [5, quarter + 1],
      [6, MAX_PACK_BYTES * 2],
      [7, 10],
    ]);
    const { stream, packer } = packerOn(true, (m) => sizes.get(m.id) ?? 1);
    for (const id of ids(1, 7)) packer.write({ id });
    for (let i = 0; i < 4; i++) stream.complete();
    expect(stream.ids()).toEqual([[1], [2, 3, 4], [5], [6], [7]]);
  });

  it('ends the stream only once the messages written are sent, and takes none after', () => {
    const { stream, packer } = packerOn();
    packer.write({ id: 1 });
    packer.write({ id: 2 });
    packer.end();
    packer.write({ id: 3 });
    expect(stream.ended).toBe(false);
    stream.complete();
    expect(stream.ended).toBe(false);
    stream.complete();
    expect(stream.ended).toBe(true);
    expect(stream.ids()).toEqual([[1], [2]]);
  });

  it('ends an idle stream at once', () => {
    const { stream, packer } = packerOn(false);
    packer.end();
    expect(stream.ended).toBe(true);
  });

  it('writes nothing more after a write failed: the stream is broken', () => {
    const { stream, packer } = packerOn();
    packer.write({ id: 1 });
    packer.write({ id: 2 });
    stream.complete(new Error('stream reset'));
    packer.write({ id: 3 });
    expect(stream.ids()).toEqual([[1]]);
    expect(packer.waiting).toBe(0);
  });
});

describe('callMessageBytes', () => {
  it("counts a call's keys and values, and a little for the rest", () => {
    const value = new Uint8Array(1000);
    expect(callMessageBytes({ id: 1, set: { key: 'abc', value } })).toBe(64 + 3 + 1000);
    expect(callMessageBytes({ id: 1, getMany: { keys: ['ab', 'cde'] } })).toBe(64 + 8 + 2 + 8 + 3);
    expect(
      callMessageBytes({
        id: 1,
        setMany: {
          entries: [
            { key: 'k', value },
            { key: 'kk', value: new Uint8Array(5) },
          ],
        },
      }),
    ).toBe(64 + 16 + 1 + 1000 + 16 + 2 + 5);
    expect(callMessageBytes({ id: 1, getMany: { results: [{ value }, { value }] } })).toBe(
      64 + 2 * (16 + 1000),
    );
    expect(callMessageBytes({ id: 1, errorCode: 'not_found', errorMessage: 'x' })).toBe(64);
  });
});
