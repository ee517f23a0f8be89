import { InvalidationHub, type Invalidation, type PeerHandler } from '@ringcache/cache-core';
import { eventually, sleep } from '@ringcache/testing';

import { FakePeerHandler } from '../testing/fake-peer-handler';
import { startPeerApp, type PeerApp } from '../testing/start-peer-app';
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
