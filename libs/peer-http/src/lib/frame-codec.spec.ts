import { FuzzRandom } from '@ringcache/testing';

import {
  decodeRequest,
  decodeResponse,
  encodeRequestHead,
  encodeResponseHead,
  FrameError,
  FrameReader,
  type RequestFrame,
  type ResponseFrame,
} from './frame-codec';

const requestBytes = (frame: RequestFrame) =>
  Buffer.concat([encodeRequestHead(frame, frame.body.byteLength), frame.body]);
const responseBytes = (frame: ResponseFrame) =>
  Buffer.concat([encodeResponseHead(frame, frame.body.byteLength), frame.body]);

/** Every whole frame `reader` cuts from `chunks`, pushed in order. */
function framesOf(chunks: Buffer[], maxBodyBytes = 1024 * 1024): Buffer[] {
  const frames: Buffer[] = [];
  const reader = new FrameReader(maxBodyBytes, (frame) => frames.push(Buffer.from(frame)));
  for (const chunk of chunks) reader.push(chunk);
  return frames;
}

describe('frame codec', () => {
  const request: RequestFrame = {
    id: 0xfffffffe,
    method: 'PUT',
    path: '/_ringcache/scores/T%C3%B6m?ttlMs=5000',
    headers: {
      'x-request-id': 'abc',
      'x-ringcache-ring-version': '',
      'content-type': 'application/octet-stream',
    },
    body: Buffer.from([0, 1, 2, 0, 255]),
  };
  const response: ResponseFrame = {
    id: 7,
    status: 404,
    headers: { 'content-type': 'application/json', 'x-ringcache-expire-at': '1700000000000' },
    body: Buffer.from('{"code":"not_found"}'),
  };

  it('carries a request and an answer unchanged: method, path, headers (an empty one too), binary body', () => {
    const [requestFrame, responseFrame] = framesOf([requestBytes(request), responseBytes(response)]);
    expect(decodeRequest(requestFrame)).toEqual(request);
    expect(decodeResponse(responseFrame)).toEqual(response);
  });

  it('carries each method, no headers, and an empty body', () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'POST'] as const) {
      const frame = { id: 1, method, path: '/p', headers: {}, body: Buffer.alloc(0) };
      expect(decodeRequest(framesOf([requestBytes(frame)])[0])).toEqual(frame);
    }
  });

  it('cuts frames out of a stream however it is split, in order', () => {
    const random = FuzzRandom.fromEnv('frame reader');
    const frames = Array.from({ length: 50 }, (_, i) => ({
      ...response,
      id: i,
      body: Buffer.alloc(random.int(0, 3000), i),
    }));
    const stream = Buffer.concat(frames.map(responseBytes));
    for (let trial = 0; trial < 20; trial++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.byteLength;) {
        const size = random.chance(0.3) ? random.int(1, 5) : random.int(1, 4000);
        chunks.push(stream.subarray(at, at + size));
        at += size;
      }
      expect(framesOf(chunks).map(decodeResponse)).toEqual(frames);
    }
  });

  it('refuses a frame longer than the limit from its length prefix, before buffering it', () => {
    const reader = new FrameReader(1024, () => undefined);
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(1024 + 64 * 1024 + 1);
    expect(() => reader.push(prefix)).toThrow(FrameError);
    expect(new FrameReader(1024, () => undefined).pending).toBe(0);
  });

  it('refuses a frame cut short inside its fields, and an unknown method', () => {
    const whole = framesOf([requestBytes(request)])[0];
    expect(() => decodeRequest(whole.subarray(0, 12))).toThrow(new FrameError('a frame cut short'));
    const unknown = Buffer.from(whole);
    unknown[4] = 9;
    expect(() => decodeRequest(unknown)).toThrow(new FrameError('unknown method'));
  });

  it('refuses to encode what the format cannot carry', () => {
    expect(() => encodeRequestHead({ ...request, path: 'x'.repeat(70_000) }, 0)).toThrow(FrameError);
    const many = Object.fromEntries(Array.from({ length: 256 }, (_, i) => [`h${i}`, 'v']));
    expect(() => encodeResponseHead({ ...response, headers: many }, 0)).toThrow(FrameError);
    expect(() => encodeRequestHead({ ...request, method: 'PATCH' as never }, 0)).toThrow(FrameError);
  });
});
