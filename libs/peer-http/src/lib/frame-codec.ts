/**
 * The frames of the HTTP peer protocol's framed form (frame-channel.ts, frame-server.ts): one connection,
 * upgraded from HTTP/1.1, carries many requests at once, each an HTTP request of the protocol reduced to its
 * parts. Big-endian throughout:
 *
 * - request:  u32 length of the rest · u32 id · u8 method · u16 path length · path · u8 header count ·
 *             headers · body
 * - response: u32 length of the rest · u32 id · u16 status · u8 header count · headers · body
 * - a header: u8 name length · name · u16 value length · value (names lower case; names and values
 *             latin1, as node:http reads them)
 *
 * The answer to a request carries its id; answers may come in any order.
 */

import type { Duplex } from 'node:stream';

/** `GET /_ringcache/:frames` with `Upgrade: <FRAMES_PROTOCOL>` opens a framed connection. */
export const FRAMES_PATH = '/_ringcache/:frames';
export const FRAMES_PROTOCOL = 'ringcache-frames/1';

const METHODS = ['GET', 'PUT', 'DELETE', 'POST'] as const;
export type FrameMethod = (typeof METHODS)[number];

/** The largest frame taken beyond its body: path, headers and fields. */
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_U8 = 0xff;
const MAX_U16 = 0xffff;

/** A request as a frame carries it. */
export interface RequestFrame {
  id: number;
  method: FrameMethod;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** An answer as a frame carries it. */
export interface ResponseFrame {
  id: number;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** One end of a framed connection, as its writes see it. */
export interface FrameWriter {
  socket: Duplex;
  /** Frames of this turn are being gathered into one write. */
  corked: boolean;
}

/**
 * Writes one frame, its head then its body, on `writer`'s connection: the frames written in one turn of the
 * event loop go out in one write.
 */
export function writeFrame(writer: FrameWriter, head: Buffer, body: Buffer): void {
  const { socket } = writer;
  if (!writer.corked) {
    writer.corked = true;
    socket.cork();
    process.nextTick(() => {
      writer.corked = false;
      socket.uncork();
    });
  }
  socket.write(head);
  if (body.byteLength > 0) socket.write(body);
}

/** A frame that breaks the format: the connection that sent it cannot be trusted further. */
export class FrameError extends Error {}

/** The request as one frame's head (everything before the body); the body follows it on the wire. */
export function encodeRequestHead(frame: Omit<RequestFrame, 'body'>, bodyBytes: number): Buffer {
  const method = METHODS.indexOf(frame.method);
  if (method < 0) throw new FrameError(`no frame method ${frame.method}`);
  const pathBytes = Buffer.byteLength(frame.path, 'latin1');
  if (pathBytes > MAX_U16) throw new FrameError(`path of ${pathBytes} bytes`);
  const size = 4 + 4 + 1 + 2 + pathBytes + headersBytes(frame.headers);
  const head = Buffer.allocUnsafe(size);
  head.writeUInt32BE(size - 4 + bodyBytes, 0);
  head.writeUInt32BE(frame.id, 4);
  head[8] = method + 1;
  head.writeUInt16BE(pathBytes, 9);
  head.write(frame.path, 11, 'latin1');
  writeHeaders(head, 11 + pathBytes, frame.headers);
  return head;
}

/** The answer as one frame's head; the body follows it on the wire. */
export function encodeResponseHead(frame: Omit<ResponseFrame, 'body'>, bodyBytes: number): Buffer {
  const size = 4 + 4 + 2 + headersBytes(frame.headers);
  const head = Buffer.allocUnsafe(size);
  head.writeUInt32BE(size - 4 + bodyBytes, 0);
  head.writeUInt32BE(frame.id, 4);
  head.writeUInt16BE(frame.status, 8);
  writeHeaders(head, 10, frame.headers);
  return head;
}

/** A request frame's fields; `frame` is one whole frame without its length prefix. */
export function decodeRequest(frame: Buffer): RequestFrame {
  const reader = new FieldReader(frame);
  const id = reader.u32();
  const method = METHODS[reader.u8() - 1];
  if (method === undefined) throw new FrameError('unknown method');
  const path = reader.latin1(reader.u16());
  const headers = reader.headers();
  return { id, method, path, headers, body: reader.rest() };
}

/** A response frame's fields; `frame` is one whole frame without its length prefix. */
export function decodeResponse(frame: Buffer): ResponseFrame {
  const reader = new FieldReader(frame);
  const id = reader.u32();
  const status = reader.u16();
  const headers = reader.headers();
  return { id, status, headers, body: reader.rest() };
}

/**
 * Cuts a byte stream into frames: `push` each chunk read; `onFrame` gets each whole frame (without its
 * length prefix) in order. A frame longer than `maxBodyBytes` plus its head is a FrameError, thrown by
 * `push` before any of it is buffered. A frame is a view of the chunk it arrived in when it came whole.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes of the frame begun (prefix included), once its prefix is in; -1 before. */
  private expected = -1;

  constructor(
    private readonly maxBodyBytes: number,
    private readonly onFrame: (frame: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.buffered > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.byteLength;
      if (this.expected < 0) {
        if (this.buffered < 4) return;
        const begun = Buffer.concat(this.chunks, this.buffered);
        this.chunks = [begun];
        this.expected = 4 + this.lengthOf(begun);
      }
      if (this.buffered < this.expected) return;
      data = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [];
      this.buffered = 0;
      this.expected = -1;
    }
    let at = 0;
    while (data.byteLength - at >= 4) {
      const length = this.lengthOf(data.subarray(at));
      if (data.byteLength - at - 4 < length) break;
      this.onFrame(data.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
    if (at < data.byteLength) {
      const rest = data.subarray(at);
      this.chunks = [rest];
      this.buffered = rest.byteLength;
      this.expected = rest.byteLength >= 4 ? 4 + this.lengthOf(rest) : -1;
    }
  }

  /** Bytes of a frame begun but not whole yet. */
  get pending(): number {
    return this.buffered;
  }

  private lengthOf(data: Buffer): number {
    const length = data.readUInt32BE(0);
    if (length > this.maxBodyBytes + MAX_HEAD_BYTES)
      throw new FrameError(`a frame of ${length} bytes, over the limit of ${this.maxBodyBytes} and its head`);
    return length;
  }
}

function headersBytes(headers: Record<string, string>): number {
  let size = 1;
  let count = 0;
  for (const name in headers) {
    const nameBytes = Buffer.byteLength(name, 'latin1');
    const valueBytes = Buffer.byteLength(headers[name], 'latin1');
    if (nameBytes > MAX_U8 || valueBytes > MAX_U16) throw new FrameError(`header ${name} too long`);
    size += 1 + nameBytes + 2 + valueBytes;
    count++;
  }
  if (count > MAX_U8) throw new FrameError(`${count} headers`);
  return size;
}

function writeHeaders(head: Buffer, start: number, headers: Record<string, string>): void {
  let at = start + 1;
  let count = 0;
  for (const name in headers) {
    const value = headers[name];
    head[at] = head.write(name, at + 1, 'latin1');
    at += 1 + head[at];
    const valueBytes = head.write(value, at + 2, 'latin1');
    head.writeUInt16BE(valueBytes, at);
    at += 2 + valueBytes;
    count++;
  }
  head[start] = count;
}

/** Reads a frame's fields in order; running past its end is a FrameError. */
class FieldReader {
  private at = 0;

  constructor(private readonly frame: Buffer) {}

  u8(): number {
    this.need(1);
    return this.frame[this.at++];
  }

  u16(): number {
    this.need(2);
    const value = this.frame.readUInt16BE(this.at);
    this.at += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.frame.readUInt32BE(this.at);
    this.at += 4;
    return value;
  }

  latin1(bytes: number): string {
    this.need(bytes);
    const value = this.frame.toString('latin1', this.at, this.at + bytes);
    this.at += bytes;
    return value;
  }

  headers(): Record<string, string> {
    const headers: Record<string, string> = {};
    for (let count = this.u8(); count > 0; count--) {
      const name = this.latin1(this.u8());
      headers[name] = this.latin1(this.u16());
    }
    return headers;
  }

  rest(): Buffer {
    return this.frame.subarray(this.at);
  }

  private need(bytes: number): void {
    if (this.at + bytes > this.frame.byteLength) throw new FrameError('a frame cut short');
  }
}
