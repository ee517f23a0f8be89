import { FakePeerHandler } from './fake-peer-handler';
import { startPeerApp, type PeerApp } from './start-peer-app';

/**
 * The two ways a peer serves the protocol, as `[how, fastPath]`: the read path answered before Fastify (as
 * nodes run) and the Fastify routes alone. The server specs run against both: the answers must be the same.
 */
export const SERVING_MODES: [string, boolean][] = [
  ['with the fast path', true],
  ['on the Fastify routes alone', false],
];

/** What {@link usePeerOverHttp} hands to a describe block. */
export interface PeerOverHttp {
  /** Group `scores` only; `Tom` is stored from the start, a key every spec may read. */
  handler: FakePeerHandler;
  /** The peer's URL of `path`. */
  url: (path: string) => string;
  /** POSTs `body` to `path` as JSON, with `headers` added. */
  postJson: (path: string, body: string, headers?: Record<string, string>) => Promise<Response>;
}

/**
 * Registers the hooks of a describe block that speaks to the server side over real HTTP with fetch: one peer
 * app for the block, with a 64 KiB body limit and the read path served as `fastPath` says.
 */
export function usePeerOverHttp(fastPath: boolean): PeerOverHttp {
  const handler = new FakePeerHandler(['scores']);
  handler.put('scores', 'Tom', '630');
  let peer: PeerApp;
  beforeAll(async () => {
    peer = await startPeerApp(handler, { maxBodyBytes: 64 * 1024, fastPath });
  });
  afterAll(() => peer.close());

  const url = (path: string) => peer.baseUrl + path;
  const postJson = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(url(path), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { handler, url, postJson };
}
