import { HttpPeerClient } from '../lib/http-peer-client';
import { FakePeerHandler } from './fake-peer-handler';
import { startPeerApp, type PeerApp } from './start-peer-app';

/** Call options of the client specs: a deadline no healthy answer comes near. */
export const call = { deadlineMs: 5_000 };
/** The ring version and hop count the client specs send with each keyed request. */
export const ctx = { ringVersion: 'v1', hops: 1 };

/** What {@link useNestPeer} hands to each test. */
export interface NestPeer {
  /** Groups `scores` and `blobs`; `scores` holds `Tom` from the start, a key every spec may read. */
  handler: FakePeerHandler;
  peer: PeerApp;
  /** A client named `node-b`, new for each test and closed after it. */
  client: HttpPeerClient;
}

/** How the client specs' calls travel: as HTTP requests, or as frames over an upgraded connection. */
export type PeerForm = 'http' | 'frames';

/**
 * Registers the hooks of a describe block that talks to a Nest peer on Fastify: one peer for the block, a
 * fresh client for each test (a test may close its own), and every hanging request released after each
 * test. `bind` receives them before each test. With `form` 'frames' the peer serves frames and each test
 * starts with the client's framed connection up, so every data call goes as a frame; with 'http' (the
 * default) the client sends none.
 */
export function useNestPeer(bind: (nestPeer: NestPeer) => void, form: PeerForm = 'http'): void {
  let handler: FakePeerHandler;
  let peer: PeerApp;
  let client: HttpPeerClient;
  beforeAll(async () => {
    handler = new FakePeerHandler(['scores', 'blobs']);
    handler.put('scores', 'Tom', '630');
    peer = await startPeerApp(handler, { frames: form === 'frames' });
  });
  beforeEach(async () => {
    client = new HttpPeerClient({ name: 'node-b', address: peer.address, frames: form === 'frames' });
    if (form === 'frames' && !(await client.framesReady())) throw new Error('the peer refused frames');
    bind({ handler, peer, client });
  });
  afterEach(async () => {
    await client.close();
    handler.release();
  });
  afterAll(() => peer.close());
}
