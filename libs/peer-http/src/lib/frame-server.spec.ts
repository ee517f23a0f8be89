import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

import { InFlightLimiter, type RequestLine } from '@ringcache/cache-core';

import { FAKE_KEYS, FakePeerHandler } from '../testing/fake-peer-handler';
import {
  decodeResponse,
  encodeRequestHead,
  FRAMES_PATH,
  FRAMES_PROTOCOL,
  FrameReader,
  type RequestFrame,
  type ResponseFrame,
} from './frame-codec';
import { PeerFrameServer } from './frame-server';
import { PeerHttpFastPath } from './peer-http-fast-path';

/** A client speaking frames by hand: what it sends, what it gets back, and when the node closes. */
interface RawClient {
  send(frame: Omit<RequestFrame, 'id'> & { id: number }): void;
  /** The answers so far, in the order they came. */
  answers: ResponseFrame[];
  next(): Promise<ResponseFrame>;
  /** The upgrade's status line. */
  status: Promise<string>;
  closed: Promise<void>;
  socket: Socket;
}

function rawClient(port: number, protocol = FRAMES_PROTOCOL): RawClient {
  const socket = connect(port, '127.0.0.1');
  socket.write(
    `GET ${FRAMES_PATH} HTTP/1.1\r\nHost: node\r\nConnection: Upgrade\r\nUpgrade: ${protocol}\r\n\r\n`,
  );
  const answers: ResponseFrame[] = [];
  let waiter: (() => void) | undefined;
  const reader = new FrameReader(1 << 20, (frame) => {
    answers.push(decodeResponse(frame));
    waiter?.();
  });
  let head: Buffer = Buffer.alloc(0);
  let tellStatus: (line: string) => void;
  const status = new Promise<string>((resolve) => (tellStatus = resolve));
  socket.on('data', (chunk: Buffer) => {
    if (head === undefined) return reader.push(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    const line = head.subarray(0, head.indexOf('\r\n')).toString();
    tellStatus(line);
    const rest = head.subarray(end + 4);
    head = undefined as unknown as Buffer;
    // Only a 101 is followed by frames; a refusal's body is text.
    if (!line.includes(' 101 ')) socket.removeAllListeners('data');
    else if (rest.byteLength > 0) reader.push(rest);
  });
  let taken = 0;
  return {
    send: (frame) => {
      socket.write(encodeRequestHead(frame, frame.body.byteLength));
      socket.write(frame.body);
    },
    answers,
    next: async () => {
      while (answers.length <= taken) await new Promise<void>((resolve) => (waiter = resolve));
      return answers[taken++];
    },
    status,
    closed: new Promise<void>((resolve) => socket.on('close', () => resolve())),
    socket,
  };
}

const get = (id: number, key: string): RequestFrame => ({
  id,
  method: 'GET',
  path: `/_ringcache/scores/${key}`,
  headers: {},
  body: Buffer.alloc(0),
});

describe('PeerFrameServer', () => {
  let handler: FakePeerHandler;
  let server: Server;
  let frames: PeerFrameServer;
  let port: number;
  const limiter = new InFlightLimiter({ max: 2 });
  const logged: RequestLine[] = [];
  const clients: RawClient[] = [];
  const client = (protocol?: string) => {
    const made = rawClient(port, protocol);
    clients.push(made);
    return made;
  };

  beforeEach(async () => {
    handler = new FakePeerHandler(['scores']);
    handler.put('scores', 'Tom', '630');
    const fastPath = new PeerHttpFastPath();
    fastPath.handler = handler;
    frames = new PeerFrameServer({ fastPath, inFlight: limiter, maxBodyBytes: 1024 });
    server = createServer((_request, response) => response.writeHead(404).end());
    server.on('upgrade', (request, socket, head) => {
      if (!frames.upgrade(request, socket, head, (entry) => logged.push(entry))) socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    handler.release();
    for (const made of clients.splice(0)) made.socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers as each answer is ready, not in the order asked, and logs each request', async () => {
    const raw = client();
    expect(await raw.status).toBe('HTTP/1.1 101 Switching Protocols');
    raw.send(get(1, FAKE_KEYS.hang));
    raw.send(get(2, 'Tom'));
    const first = await raw.next();
    expect(first).toMatchObject({ id: 2, status: 200, headers: { 'x-ringcache-expire-at': '0' } });
    expect(first.body.toString()).toBe('630');
    handler.release();
    expect(await raw.next()).toMatchObject({ id: 1, status: 404 });
    expect(logged.slice(-2)).toMatchObject([
      { method: 'GET', url: '/_ringcache/scores/Tom', status: 200 },
      { method: 'GET', url: `/_ringcache/scores/${FAKE_KEYS.hang}`, status: 404 },
    ]);
    expect(frames.served).toBe(2);
  });

  it('answers 400 to a request the fast path does not serve, and 503 overloaded past the bound', async () => {
    const raw = client();
    raw.send({
      id: 1,
      method: 'POST',
      path: '/_ringcache/scores:flush',
      headers: {},
      body: Buffer.from('{}'),
    });
    const refused = await raw.next();
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body.toString())).toEqual({
      code: 'invalid_argument',
      message: 'POST /_ringcache/scores:flush is not served over frames',
    });
    raw.send(get(2, FAKE_KEYS.hang));
    raw.send(get(3, FAKE_KEYS.hang));
    raw.send(get(4, 'Tom'));
    const shed = await raw.next();
    expect(shed).toMatchObject({ id: 4, status: 503, headers: { 'retry-after': '1' } });
    expect(JSON.parse(shed.body.toString())).toMatchObject({ code: 'overloaded' });
    handler.release();
    await raw.next();
    await raw.next();
    expect(limiter.inFlight).toBe(0);
  });

  it('refuses another protocol with 400, and cuts a connection that sends a frame over the limit', async () => {
    const wrong = client('websocket');
    expect(await wrong.status).toBe('HTTP/1.1 400 Bad Request');
    await wrong.closed;
    const raw = client();
    raw.send({ ...get(1, 'Tom'), method: 'PUT', body: Buffer.alloc(70 * 1024) });
    await raw.closed;
    expect(raw.answers).toEqual([]);
  });

  it('closes an idle connection at once and a busy one after its answers, taking no new one', async () => {
    const idle = client();
    const busy = client();
    await Promise.all([idle.status, busy.status]);
    busy.send(get(1, FAKE_KEYS.hang));
    await new Promise((resolve) => setTimeout(resolve, 50));
    frames.close();
    await idle.closed;
    expect(busy.socket.readyState).toBe('open');
    handler.release();
    expect(await busy.next()).toMatchObject({ id: 1, status: 404 });
    await busy.closed;
    expect(await client().status).toBe('HTTP/1.1 400 Bad Request');
    expect(frames.size).toBe(0);
  });
});
