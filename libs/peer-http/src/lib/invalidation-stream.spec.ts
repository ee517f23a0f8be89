import type { Server, Socket } from 'node:net';

import { InvalidationHub, type Invalidation, type PeerHandler } from '@ringcache/cache-core';
import { eventually, sleep } from '@ringcache/testing';

import { FakePeerHandler } from '../testing/fake-peer-handler';
import { startPeerApp, type PeerApp } from '../testing/start-peer-app';
import { HttpPeerClient } from './http-peer-client';
import { InvalidationStream, type StreamState } from './invalidation-stream';

/** A fake node handler that also offers an invalidation stream. */
function streamingHandler(hub: InvalidationHub): PeerHandler {
  const handler = new FakePeerHandler();
  return Object.assign(handler, {
    subscribe: (listener: (e: Invalidation) => void) => hub.subscribe(listener),
  });
}

describe('the invalidation stream', () => {
  const hub = new InvalidationHub();
  let app: PeerApp;
  const events: Invalidation[] = [];
  const states: StreamState[] = [];
  let stream: InvalidationStream;

  beforeAll(async () => {
    app = await startPeerApp(streamingHandler(hub));
    stream = new InvalidationStream({
      name: 'node1',
      address: app.address,
      onEvent: (e) => events.push(e),
      onState: (s) => states.push(s),
    });
    stream.start();
    await eventually('connected', () => stream.state === 'connected');
  });

  afterAll(async () => {
    stream?.stop();
    await app?.close();
  });

  it('delivers every invalidation, in order', async () => {
    hub.publish({ kind: 'key', group: 'g', key: 'a/b c' });
    hub.publish({ kind: 'flush', group: 'g', generation: 7 });
    await eventually('two events', () => events.length === 2);
    expect(events).toEqual([
      { kind: 'key', group: 'g', key: 'a/b c' },
      { kind: 'flush', group: 'g', generation: 7 },
    ]);
    expect(hub.stats().subscribers).toBe(1);
  });

  it('reports the drop when the node closes, and reconnects when it is back on the same port', async () => {
    const port = Number(app.address.split(':')[1]);
    await app.close();
    await eventually('disconnected', () => stream.state !== 'connected');
    expect(hub.stats().subscribers).toBe(0);
    app = await startPeerApp(streamingHandler(hub), { port });
    await eventually('reconnected', () => stream.state === 'connected', 10_000);
    expect(states).toEqual(expect.arrayContaining(['connecting', 'connected', 'disconnected']));
    hub.publish({ kind: 'key', group: 'g', key: 'after' });
    await eventually('event after reconnect', () =>
      events.some((e) => e.kind === 'key' && e.key === 'after'),
    );
  }, 20_000);

  it("puts a write's announcement on the wire before the write's answer", async () => {
    // A node announces a write, then answers it: the announcement must leave first, so that once the
    // writer has its answer no near cache elsewhere can still be without the news (were this process
    // descheduled in between).
    const ownHub = new InvalidationHub();
    const handler = streamingHandler(ownHub);
    const set = handler.set.bind(handler);
    handler.set = async (request) => {
      ownHub.publish({ kind: 'key', group: request.group, key: request.key });
      return set(request);
    };
    const node = await startPeerApp(handler);
    const sent: { socket: Socket; text: string }[] = [];
    (node.app.getHttpServer() as Server).on('connection', (socket: Socket) => {
      // Every write the server makes on this connection, in the order it makes them.
      const internals = socket as unknown as { _writeGeneric: (...args: unknown[]) => unknown };
      const writeGeneric = internals._writeGeneric.bind(socket);
      internals._writeGeneric = (writev: unknown, data: unknown, ...rest: unknown[]) => {
        const chunks = writev ? (data as { chunk: Buffer | string }[]).map((d) => d.chunk) : [data];
        sent.push({ socket, text: chunks.map(String).join('') });
        return writeGeneric(writev, data, ...rest);
      };
    });
    const heard: Invalidation[] = [];
    const subscriber = new InvalidationStream({
      name: 'n',
      address: node.address,
      onEvent: (e) => heard.push(e),
      onState: () => undefined,
    });
    const writer = new HttpPeerClient({ name: 'n', address: node.address });
    try {
      subscriber.start();
      await eventually('connected', () => subscriber.state === 'connected');
      for (let i = 0; i < 20; i++) {
        await writer.set(
          {
            group: 'scores',
            key: `ordered-${i}`,
            value: Buffer.from('v'),
            ttlMs: 0,
            hops: 0,
            ringVersion: '',
          },
          { deadlineMs: 5_000 },
        );
        const announced = sent.findIndex(({ text }) => text.includes(`"key":"ordered-${i}"`));
        const answered = sent.findIndex(
          ({ socket, text }, at) =>
            at > 0 && socket !== sent[announced]?.socket && text.includes('HTTP/1.1 200'),
        );
        expect(announced).toBeGreaterThanOrEqual(0);
        expect(answered).toBeGreaterThan(announced);
        sent.length = 0;
      }
      await eventually('all heard', () => heard.length === 20);
    } finally {
      subscriber.stop();
      await writer.close();
      await node.close();
    }
  });

  it('answers a node without invalidations with 501', async () => {
    const plain = await startPeerApp(new FakePeerHandler());
    try {
      const res = await fetch(`${plain.baseUrl}/_ringcache/:invalidations`);
      expect(res.status).toBe(501);
    } finally {
      await plain.close();
    }
    await sleep(10);
  });
});
